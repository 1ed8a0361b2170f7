-- Several processes, on several hosts, may share one PostgreSQL vault database.

-- The vault a database belongs to: a descriptor pointed at another vault's database is refused.
CREATE TABLE vault_identity (
  vault_id  CHAR(32) NOT NULL PRIMARY KEY,
  bound_at  BIGINT   NOT NULL
);

-- One row per deletion batch. Whoever finishes a batch (the deleting session, or a later login
-- resuming it after a crash) holds this row's lock, so two processes never finish it together.
CREATE TABLE deletion_batches (
  batch_id  CHAR(32) NOT NULL PRIMARY KEY
);

INSERT INTO deletion_batches (batch_id) SELECT DISTINCT batch_id FROM deletions;
