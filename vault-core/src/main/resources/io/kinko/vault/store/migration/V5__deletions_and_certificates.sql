-- Certified deletion (clause 5(10)) as a recorded state machine. A row is written, durably,
-- before anything is destroyed, and carries the file's metadata so that the certificate can be
-- issued after the files row is gone; the next login finishes any deletion a crash interrupted.
-- state: PENDING -> UNLINKED (key destroyed, blob overwritten and removed) -> LOGGED -> CERTIFIED
CREATE TABLE deletions (
  file_id      CHAR(32)      NOT NULL PRIMARY KEY,
  batch_id     CHAR(32)      NOT NULL,
  state        VARCHAR(16)   NOT NULL,
  path_tag     CHAR(64)      NOT NULL,
  version      INTEGER       NOT NULL,
  sealed_meta  VARCHAR(8000) NOT NULL,
  size_bytes   BIGINT        NOT NULL,
  stored_at    BIGINT        NOT NULL,
  operator     VARCHAR(64)   NOT NULL,
  requested_at BIGINT        NOT NULL,
  erase_notes  VARCHAR(2000),
  log_seq      BIGINT,
  cert_id      CHAR(32)
);

CREATE INDEX deletions_batch ON deletions (batch_id);

-- Every certificate issued: the canonical JSON and its detached Ed25519 signature (base64).
CREATE TABLE certificates (
  cert_id    CHAR(32)     NOT NULL PRIMARY KEY,
  issued_at  BIGINT       NOT NULL,
  kind       VARCHAR(32)  NOT NULL,
  body       TEXT         NOT NULL,
  signature  VARCHAR(200) NOT NULL
);
