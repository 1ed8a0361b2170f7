package io.kinko.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Plain-words messages for failures whose own message is only a file name (most of java.nio's). */
final class Messages {
  private Messages() {}

  static String describe(Throwable failure) {
    if (failure instanceof UncheckedIOException u) {
      return describe(u.getCause());
    }
    if (failure instanceof FileSystemException f) {
      String file = f.getFile() == null ? "" : f.getFile() + ": ";
      if (f instanceof NoSuchFileException) {
        return file + "no such file or folder";
      }
      if (f instanceof java.nio.file.AccessDeniedException) {
        return file + "permission denied";
      }
      if (f instanceof FileAlreadyExistsException) {
        return file + "already exists";
      }
      if (f instanceof DirectoryNotEmptyException) {
        return file + "folder is not empty";
      }
      if (f instanceof NotDirectoryException) {
        return file + "not a folder";
      }
      return file + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
    }
    if (failure instanceof IOException || failure instanceof RuntimeException) {
      String message = failure.getMessage();
      if (message != null && !message.isBlank()) {
        return message;
      }
    }
    return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }
}
