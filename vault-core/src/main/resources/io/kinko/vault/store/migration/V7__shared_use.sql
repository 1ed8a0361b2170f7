-- Several processes, on several hosts, may share one PostgreSQL vault database.

-- The vault a database belongs to, in one row: a descriptor pointed at another vault's database
-- is refused, and of two vaults created on one database at once only one gets it.
CREATE TABLE vault_identity (
  id        INTEGER  NOT NULL PRIMARY KEY CHECK (id = 1),
  vault_id  CHAR(32) NOT NULL,
  bound_at  BIGINT   NOT NULL
);

-- One row per deletion batch. Whoever finishes a batch (the deleting session, or a later login
-- resuming it after a crash) holds this row's lock, so two processes never finish it together.
CREATE TABLE deletion_batches (
  batch_id  CHAR(32) NOT NULL PRIMARY KEY
);

INSERT INTO deletion_batches (batch_id) SELECT DISTINCT batch_id FROM deletions;
