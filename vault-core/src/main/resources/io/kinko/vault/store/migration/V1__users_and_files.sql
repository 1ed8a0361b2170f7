-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL. Times are epoch milliseconds (UTC),
-- binary values are hex or base64 text, so no vendor-specific type is needed.

CREATE TABLE users (
  name        VARCHAR(64)  NOT NULL PRIMARY KEY,
  role        VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL
);

-- One row per stored file version. The path is never stored in plaintext: path_tag is a keyed
-- PRF of it (for look-up), sealed_meta the path and content digest encrypted under the master
-- key with the file id as associated data (so a row cannot be re-pointed at another blob).
CREATE TABLE files (
  file_id      CHAR(32)      NOT NULL PRIMARY KEY,
  path_tag     CHAR(64)      NOT NULL,
  version      INTEGER       NOT NULL,
  sealed_meta  VARCHAR(8000) NOT NULL,
  size_bytes   BIGINT        NOT NULL,
  stored_at    BIGINT        NOT NULL,
  stored_by    VARCHAR(64)   NOT NULL,
  CONSTRAINT files_path_version UNIQUE (path_tag, version)
);
