-- Transport (clause 7): each package taken in, one row, as state (state.StateKind IMPORT) bound to
-- its IMPORT entry. An import reads them, checked against the state commitment, to refuse a replay
-- and to know which key a sender signs with; the log's IMPORT entries, read through the (action,
-- seq) index, miss one whose row was re-filed under another action with the database's tools, and
-- a pruned one. A vault made before this table keeps its state root: an empty IMPORT kind is left
-- out of it. Runs again over what a stopped run left (see V19).
CREATE TABLE IF NOT EXISTS imports (
  export_id        VARCHAR(32)  NOT NULL,
  sender_vault     VARCHAR(32)  NOT NULL,
  key_fingerprint  VARCHAR(64)  NOT NULL,
  log_seq          BIGINT       NOT NULL,
  bucket           INTEGER      NOT NULL,
  PRIMARY KEY (sender_vault, export_id)
);
