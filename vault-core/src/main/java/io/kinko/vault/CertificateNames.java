package io.kinko.vault;

import java.util.Locale;

/**
 * How a vault's certificates name what they erased: a vault policy chosen at init ({@code kinko
 * init --cert-names}) and sealed in {@code kinko.json} with the other policies. File paths can
 * hold personal data (a name in a file name), so the default is the keyed tag, which the
 * contractor can recompute for a path it is asked about and nobody else can invert.
 */
public enum CertificateNames {
  /** A keyed tag (HMAC-SHA256 under the vault's name key) of the path, never the path itself. */
  TAG,
  /** The path in plain text, beside its tag: for a city that wants certificates naming the file. */
  PLAIN,
  /**
   * The path sealed to the city's age recipient, beside its tag: the city opens it with {@code age
   * -d}, and nobody else, the contractor included, can read it from the certificate.
   */
  SEALED;

  /** "tag", "plain" or "sealed": the option's and the descriptor's spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException unless {@code label} is "tag", "plain" or "sealed" */
  public static CertificateNames of(String label) {
    for (CertificateNames n : values()) {
      if (n.label().equals(label)) {
        return n;
      }
    }
    throw new IllegalArgumentException("certificate names '" + label + "' is not 'tag', 'plain' or 'sealed'");
  }
}
