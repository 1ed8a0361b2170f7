package io.kinko.cli;

/** The command line cannot be carried out as given (exit code 2); the message says what to change. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
