package io.kinko.vault;

import io.kinko.vault.erase.HaltAtStep;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link TwoPersonRuleTest}: the test vault's administrator approves
 * deletion request args[1], halting the JVM at the deletion step named by args[2].
 */
public final class CrashApproveTarget {
  private CrashApproveTarget() {}

  public static void main(String[] args) {
    HaltAtStep.install(args[2]);
    Vault vault = Vault.open(Path.of(args[0]), "crash-target");
    TestVaults.login(vault).approveDeletion(args[1]);
    System.out.println("NOT CRASHED");
  }
}
