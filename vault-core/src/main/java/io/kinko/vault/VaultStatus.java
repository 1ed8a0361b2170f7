package io.kinko.vault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a vault says about itself without a login, for {@code kinko status} and monitoring: where
 * its metadata lives and how far its log and its newest signed checkpoint reach. Read-only; it
 * reveals no file name, user or content.
 *
 * @param backend {@code "h2"} (embedded, under {@code db/}) or {@code "postgresql"}
 * @param logSize entries ever appended to the access log (the tree's size; pruning does not lower it)
 * @param checkpointSize the tree size the newest signed checkpoint covers, or -1 if none was signed
 * @param checkpointAt when that checkpoint was signed, or null if none was
 * @param alerts each alert sink's health, read as stored (no login: an edited row is caught by the next checked read)
 * @param recoveryFingerprint the fingerprint of the vault's recovery key as stored (a checked read,
 *     {@code kinko audit}, catches an edited one), or null when the vault has no recovery key
 */
public record VaultStatus(String backend, long logSize, long checkpointSize, Instant checkpointAt, List<AlertSinkHealth> alerts,
    String recoveryFingerprint) {
  public VaultStatus(String backend, long logSize, long checkpointSize, Instant checkpointAt) {
    this(backend, logSize, checkpointSize, checkpointAt, List.of());
  }

  public VaultStatus(String backend, long logSize, long checkpointSize, Instant checkpointAt, List<AlertSinkHealth> alerts) {
    this(backend, logSize, checkpointSize, checkpointAt, alerts, null);
  }

  public VaultStatus {
    Objects.requireNonNull(backend, "backend");
    alerts = List.copyOf(alerts);
    if (logSize < 0 || checkpointSize < -1 || checkpointSize > logSize) {
      throw new IllegalArgumentException("log size " + logSize + " and checkpoint size " + checkpointSize + " do not fit together");
    }
  }
}
