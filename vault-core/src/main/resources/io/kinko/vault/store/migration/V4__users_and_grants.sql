-- Accounts (clauses 5(3), 5(8)) and grants (5(5), 5(6)).
ALTER TABLE users ADD COLUMN status VARCHAR(16) DEFAULT 'ACTIVE' NOT NULL;
ALTER TABLE users ADD COLUMN failed_logins INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE users ADD COLUMN expires_on VARCHAR(10);
ALTER TABLE users ADD COLUMN chief INTEGER DEFAULT 0 NOT NULL;

-- A grant is found by the keyed tag of its prefix, so a check needs only the tags of a path's
-- ancestors; the prefix itself is kept sealed under the master key for listing.
CREATE TABLE grants (
  user_name     VARCHAR(64)   NOT NULL,
  prefix_tag    CHAR(64)      NOT NULL,
  sealed_prefix VARCHAR(8000) NOT NULL,
  permissions   VARCHAR(64)   NOT NULL,
  granted_by    VARCHAR(64)   NOT NULL,
  granted_at    BIGINT        NOT NULL,
  PRIMARY KEY (user_name, prefix_tag)
);
