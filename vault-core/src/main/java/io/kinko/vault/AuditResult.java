package io.kinko.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A signed self-audit of a vault (clause 9): what was checked and what was found, as canonical
 * JSON (RFC 8785) and a detached Ed25519 signature over exactly those bytes, made with the vault's
 * signing key like a deletion certificate, so that an auditor verifies it with openssl alone:
 * <pre>openssl pkeyutl -verify -rawin -pubin -inkey vault.pub.pem -in audit-TIME.json -sigfile audit-TIME.json.sig</pre>
 * The AUDIT entry that closes the audit in the access log carries the counts and {@link #sha256()}.
 *
 * @param id random hex id of this audit
 * @param at when the audit started
 * @param deep whether every byte of every blob was decrypted and checked, not only each header
 * @param findings what needs attention, in the order checked; empty when the vault is clean
 */
public record AuditResult(String id, Instant at, boolean deep, Checked checked, List<Finding> findings, String json, byte[] signature) {
  public AuditResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(checked, "checked");
    Objects.requireNonNull(json, "json");
    findings = List.copyOf(findings);
    signature = signature.clone();
  }

  /** How bad a finding is: INTEGRITY (data, log or state altered or lost; exit 5) or WARNING (exit 1). */
  public enum Severity { INTEGRITY, WARNING }

  /**
   * One thing the audit found.
   *
   * @param id the check that found it and its subject, as {@code check:subject} ({@code blob-missing:3f9c…},
   *     {@code user-stale:tanaka}); never a file's path
   * @param what what is wrong, in a sentence
   * @param todo what the privacy manager should do about it
   */
  public record Finding(String id, Severity severity, String what, String todo) {
    public Finding {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(todo, "todo");
    }

    /** The check that found it: the id up to its first ':'. */
    public String check() {
      int colon = id.indexOf(':');
      return colon < 0 ? id : id.substring(0, colon);
    }
  }

  /**
   * How much the audit looked at.
   *
   * @param logEntries log entries verified (hash, chain and leaf)
   * @param blobs stored file versions whose blob was checked
   * @param bytesDecrypted plaintext bytes decrypted and authenticated (0 without {@code deep})
   * @param users accounts checked
   * @param grants grants checked
   */
  public record Checked(long logEntries, long blobs, long bytesDecrypted, int users, int grants) {}

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** True when nothing was found. */
  public boolean clean() {
    return findings.isEmpty();
  }

  /** True when a finding is of {@link Severity#INTEGRITY}. */
  public boolean integrityFinding() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.INTEGRITY);
  }

  /** The number of findings of {@code severity}. */
  public long count(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).count();
  }

  /** The exact bytes that were signed. */
  public byte[] bytes() {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** SHA-256 of {@link #bytes()} in lower-case hex, as the AUDIT log entry records it. */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Writes {@code <dir>/<name>.json} and {@code <dir>/<name>.json.sig}, each durably; returns the JSON file. */
  public Path write(Path directory, String name) {
    try {
      return VaultProvider.installed().writeSigned(directory, name, bytes(), signature);
    } catch (IOException e) {
      throw new VaultException("cannot write audit " + id + " to " + directory + ": " + e.getMessage(), e);
    }
  }
}
