-- The rows that decide access and content are bound to the log and to one commitment
-- (state.VaultState): users, grants, file versions and deletions in progress. Each row records the sequence of the log entry that set it and the keyed
-- bucket it is checked in; state_nodes holds the bucket digests and the nodes above them;
-- state_head the root and its version under a keyed tag. A vault made before this migration has
-- no tag yet: its first login seals what is there (only if its signed checkpoint names no state).
ALTER TABLE users ADD COLUMN log_seq BIGINT;
ALTER TABLE users ADD COLUMN bucket INTEGER;
ALTER TABLE grants ADD COLUMN log_seq BIGINT;
ALTER TABLE grants ADD COLUMN bucket INTEGER;
ALTER TABLE files ADD COLUMN log_seq BIGINT;
ALTER TABLE files ADD COLUMN bucket INTEGER;
ALTER TABLE deletions ADD COLUMN bucket INTEGER;

CREATE INDEX grants_bucket ON grants (bucket);
CREATE INDEX files_bucket ON files (bucket);
CREATE INDEX deletions_bucket ON deletions (bucket);

CREATE TABLE state_nodes (
  kind    VARCHAR(16) NOT NULL,
  lvl     INTEGER     NOT NULL,
  idx     INTEGER     NOT NULL,
  digest  CHAR(64)    NOT NULL,
  PRIMARY KEY (kind, lvl, idx)
);

CREATE TABLE state_head (
  id       INTEGER  NOT NULL PRIMARY KEY CHECK (id = 1),
  version  BIGINT   NOT NULL,
  root     CHAR(64),
  mac      CHAR(64)
);

INSERT INTO state_head (id, version, root, mac) VALUES (1, 0, NULL, NULL);
