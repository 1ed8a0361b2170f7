package io.kinko.cli;

import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.AuthenticationException;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.RetentionException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The exit codes of {@code kinko}, in the one place that both maps failures to them and lists
 * them in the help. Scripts depend on these numbers: change them only with the design brief.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int AUTHENTICATION = 3;
  static final int ACCESS_DENIED = 4;
  static final int INTEGRITY = 5;
  static final int RETENTION = 6;

  private ExitCodes() {}

  /** The code a failure ends the command with. */
  static int of(Throwable failure) {
    if (failure instanceof CommandLine.ParameterException || failure instanceof UsageException) {
      return USAGE;
    }
    if (failure instanceof AuthenticationException) {
      return AUTHENTICATION;
    }
    if (failure instanceof AccessDeniedException) {
      return ACCESS_DENIED;
    }
    if (failure instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (failure instanceof RetentionException) {
      return RETENTION;
    }
    // The library rejects malformed arguments (a vault path with "..", an empty contract id)
    // with IllegalArgumentException: the caller typed something wrong.
    if (failure instanceof IllegalArgumentException) {
      return USAGE;
    }
    return ERROR; // NotFoundException, other VaultExceptions, local I/O errors
  }

  /** The name a code has in {@code --json} errors: "ACCESS_DENIED" for 4. */
  static String name(int code) {
    return switch (code) {
      case OK -> "OK";
      case ERROR -> "ERROR";
      case USAGE -> "USAGE";
      case AUTHENTICATION -> "AUTHENTICATION";
      case ACCESS_DENIED -> "ACCESS_DENIED";
      case INTEGRITY -> "INTEGRITY";
      case RETENTION -> "RETENTION";
      default -> "ERROR";
    };
  }

  /** Code and meaning, in order, for the "Exit codes:" section of the help. */
  static Map<String, String> descriptions() {
    Map<String, String> list = new LinkedHashMap<>();
    list.put(Integer.toString(OK), "success");
    list.put(Integer.toString(ERROR), "error (not found, not a vault, vault disposed of, cannot read or write a file, entries skipped by put or wipe, "
        + "user exists already, last administrator; kinko audit: findings, none of integrity)");
    list.put(Integer.toString(USAGE), "usage: bad option, argument or vault path; weak new password; no password available");
    list.put(Integer.toString(AUTHENTICATION), "authentication failed: unknown user, wrong password, or a locked, disabled or expired account");
    list.put(Integer.toString(ACCESS_DENIED), "access denied");
    list.put(Integer.toString(INTEGRITY), "integrity check failed: stored data, the access log, an archive, a checkpoint, a certificate, a report or "
        + "kinko.json was altered (or a certificate or report cannot be verified); kinko audit: an integrity finding");
    list.put(Integer.toString(RETENTION), "refused: records are still under retention");
    return list;
  }
}
