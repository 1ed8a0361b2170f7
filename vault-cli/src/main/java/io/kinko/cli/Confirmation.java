package io.kinko.cli;

/**
 * The rule every command that erases for good follows ({@code rm}, {@code wipe}, {@code put
 * --wipe-source}; {@code dispose} asks for the vault id instead): on a terminal it shows what it
 * will erase and asks, defaulting to no; without one it needs {@code --yes}; {@code --dry-run}
 * only lists. Refusals are usage errors (exit 2) that leave everything in place.
 */
final class Confirmation {
  static final String YES_HELP = "Do not ask for confirmation: needed when there is no terminal to ask on.";
  static final String DRY_RUN_HELP = "Only list what would be erased (each item, count, size) and change nothing.";

  private Confirmation() {}

  /**
   * Before the vault is opened: refuses a run that would erase without a way to ask. {@code
   * command} names it in the message ("rm -r").
   */
  static void check(Context context, boolean yes, boolean dryRun, String command) {
    if (!yes && !dryRun && context.terminal() == null) {
      throw new UsageException(command + " erases for good and there is no terminal to ask on: confirm with --yes, "
          + "or see what it would erase with --dry-run; nothing was erased");
    }
  }

  /**
   * Shows {@code plan} on the terminal and returns only if the answer is yes; with {@code yes}
   * given, returns at once. {@code action} is the verb the summary starts with ("wipe").
   *
   * @throws UsageException if the answer is anything but y or yes (Enter alone is no)
   */
  static void ask(Context context, boolean yes, ErasePlan plan, String action) {
    if (yes) {
      return;
    }
    String answer = context.terminal().readLine(plan.summary(action) + "This cannot be undone. Go ahead? [y/N] ");
    String word = answer == null ? "" : answer.strip();
    if (!word.equalsIgnoreCase("y") && !word.equalsIgnoreCase("yes")) {
      throw new UsageException("not confirmed: nothing was erased");
    }
  }
}
