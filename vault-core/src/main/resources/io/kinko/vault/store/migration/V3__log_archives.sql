-- Every export of the access log, so the next export can prove consistency with this one and
-- pruning can check that what it removes was archived first.
CREATE TABLE log_archives (
  first_seq   BIGINT NOT NULL,
  last_seq    BIGINT NOT NULL,
  tree_size   BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (first_seq, last_seq)
);
