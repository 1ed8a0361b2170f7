-- The access log (DESIGN.md, "Access log"). Each entry is stored as exactly the canonical JSON
-- (RFC 8785) text whose UTF-8 bytes are the Merkle leaf; the other columns are copies for
-- queries. Entries may be pruned after their keep-until; the tree's nodes stay, so proofs and
-- checkpoints over pruned entries still verify against archives.

CREATE TABLE log_entries (
  seq         BIGINT        NOT NULL PRIMARY KEY,
  entry       VARCHAR(8000) NOT NULL,
  logged_at   BIGINT        NOT NULL,
  actor       VARCHAR(64)   NOT NULL,
  action      VARCHAR(32)   NOT NULL,
  keep_until  BIGINT        NOT NULL
);

CREATE INDEX log_entries_time ON log_entries (logged_at);

-- Hashes of complete subtrees only: level 0 holds leaf hashes, level k the roots of the
-- perfect subtrees of 2^k leaves. Appending is O(log n); proofs read O(log n) rows.
CREATE TABLE log_nodes (
  lvl   INTEGER  NOT NULL,
  idx   BIGINT   NOT NULL,
  hash  CHAR(64) NOT NULL,
  PRIMARY KEY (lvl, idx)
);

-- One row: the tree's size and last leaf. Appenders lock it, so the log stays one chain even
-- when several processes append (SELECT ... FOR UPDATE).
CREATE TABLE log_head (
  id         INTEGER  NOT NULL PRIMARY KEY,
  tree_size  BIGINT   NOT NULL,
  last_leaf  CHAR(64) NOT NULL
);

INSERT INTO log_head (id, tree_size, last_leaf) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Every checkpoint the vault signed, as the signed note's text.
CREATE TABLE log_checkpoints (
  tree_size  BIGINT        NOT NULL PRIMARY KEY,
  note       VARCHAR(4000) NOT NULL,
  signed_at  BIGINT        NOT NULL
);
