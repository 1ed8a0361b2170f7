package io.kinko.vault.audit;

/** Test code's way to wait until every embedded vault open in this JVM has filled its database behind its journal. */
public final class FillerHook {
  private FillerHook() {}

  public static void awaitAllFilled() {
    SharedJournal.awaitAllFilled();
  }
}
