package io.kinko.cli;

import java.io.Console;

/** The interactive terminal, if there is one: password prompts without echo. */
interface Terminal {
  /** Prompts and reads one line without echo; null at end of input. */
  char[] readPassword(String prompt);

  /** The JVM's console, or null when stdin or stdout is not a terminal. */
  static Terminal system() {
    Console console = System.console();
    return console == null ? null : prompt -> console.readPassword("%s", prompt);
  }
}
