package io.kinko.vault;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which hardware token to use and its PIN: the PKCS#11 {@code module} (a {@code .so} such as
 * OpenSC's {@code opensc-pkcs11.so} or Yubico's {@code libykcs11.so}), the token's {@code label}
 * (null: the token enrolled, found by its serial, or the only one present) and the {@code pin},
 * which the caller closes. The PIN is sent only to the token the label names.
 */
public record TokenCredential(Path module, String label, Password pin) {
  public TokenCredential {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(pin, "pin");
    if (label != null && (label.isEmpty() || label.length() > 32)) {
      throw new IllegalArgumentException("a token label has 1 to 32 characters");
    }
  }
}
