package io.kinko.cli;

import java.io.Console;

/** The interactive terminal, if there is one: password prompts without echo, and typed confirmations. */
interface Terminal {
  /** Prompts and reads one line without echo; null at end of input. */
  char[] readPassword(String prompt);

  /**
   * Prompts and reads one line with echo, for answers that are not secret (a vault id typed to
   * confirm a disposal); null at end of input. Terminals that only know {@link #readPassword}
   * read it that way.
   */
  default String readLine(String prompt) {
    char[] line = readPassword(prompt);
    return line == null ? null : new String(line);
  }

  /** The JVM's console, or null when stdin or stdout is not a terminal. */
  static Terminal system() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    return new Terminal() {
      @Override
      public char[] readPassword(String prompt) {
        return console.readPassword("%s", prompt);
      }

      @Override
      public String readLine(String prompt) {
        return console.readLine("%s", prompt);
      }
    };
  }
}
