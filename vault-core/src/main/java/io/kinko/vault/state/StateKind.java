package io.kinko.vault.state;

import java.util.List;

/**
 * The kinds of row that decide who may do what, which bytes are served and what is destroyed. Each kind names its
 * table, the column that groups rows which must be checked together (every version of one path,
 * every grant of one user), and the columns the commitment covers. A column left out (a user's
 * failed-login count) can change without the vault's keys, so it must never grant anything.
 */
public enum StateKind {
  USER("users", "name", 1, List.of("name", "role", "status", "expires_on", "chief", "created_at", "log_seq")),
  GRANT("grants", "user_name", 64,
      List.of("user_name", "prefix_tag", "sealed_prefix", "permissions", "granted_by", "granted_at", "log_seq")),
  FILE("files", "path_tag", 4096,
      List.of("file_id", "path_tag", "version", "sealed_meta", "size_bytes", "stored_at", "stored_by", "log_seq")),
  /** Deletions in progress and done, grouped by batch: a crash's resume acts only on a checked batch. */
  DELETION("deletions", "batch_id", 64, List.of("file_id", "batch_id", "state", "path_tag", "version", "sealed_meta", "size_bytes",
      "stored_at", "operator", "requested_at", "erase_notes", "log_seq", "cert_id", "approver")),
  /** Vault policy set after init (incident thresholds, alert sinks), one bucket: every setting is checked together. */
  SETTING("settings", "name", 1, List.of("name", "setting", "set_by", "set_at", "log_seq")),
  /**
   * Transport packages taken in (V20), grouped by the vault that sent them: an import reads them
   * all, to refuse a replay and to know the key each sender signs with.
   */
  IMPORT("imports", "sender_vault", 64, List.of("export_id", "sender_vault", "key_fingerprint", "log_seq"));

  /**
   * Kinds added after vaults were made (V12: settings; V20: imports). While empty, such a kind is left out of
   * the root, so an older vault keeps the root its checkpoints name; once it holds a row it counts.
   */
  static final java.util.Set<StateKind> APPENDED_KINDS = java.util.EnumSet.of(SETTING, IMPORT);

  /**
   * Covered columns appended after vaults were made with this kind (V11: a deletion's approver).
   * While null they are left out of a row's fact, so a row written before them keeps its digest
   * and old vaults still open; once set they are covered like the rest.
   */
  static final List<String> APPENDED = List.of("approver");

  /** Buckets per group node: a check reads at most this many digests per level. */
  static final int FANOUT = 64;

  private final String table;
  private final String groupColumn;
  private final int buckets;
  private final List<String> columns;

  StateKind(String table, String groupColumn, int buckets, List<String> columns) {
    this.table = table;
    this.groupColumn = groupColumn;
    this.buckets = buckets;
    this.columns = columns;
  }

  public String table() {
    return table;
  }

  public String groupColumn() {
    return groupColumn;
  }

  public int buckets() {
    return buckets;
  }

  /** Group nodes of this kind: {@code ceil(buckets / FANOUT)}. */
  int groups() {
    return (buckets + FANOUT - 1) / FANOUT;
  }

  /** The covered columns, in the order a row's values are given to {@link StateDigest#fact}. */
  public List<String> columns() {
    return columns;
  }

  /** Index of {@code column} among {@link #columns()}. */
  public int column(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(this + " has no covered column " + column);
    }
    return i;
  }
}
