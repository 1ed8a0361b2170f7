-- The incident watch (clause 6): how far the detection rules have read the log. One row, locked
-- (SELECT ... FOR UPDATE) by the process that scans, so two processes never raise the same
-- incident; a process that crashed before moving it leaves the next one to scan again, and the
-- INCIDENT entries already in the log tell it what was raised. A vault upgraded to this version
-- starts at its log's head: what happened before detection existed is not raised now.
CREATE TABLE incident_watch (
  id       INTEGER NOT NULL PRIMARY KEY,
  scanned  BIGINT  NOT NULL
);

INSERT INTO incident_watch (id, scanned) SELECT 1, tree_size FROM log_head WHERE id = 1;

-- The rules count entries of one action in a time window (failed logins, reads, the day's
-- incidents): an index on (action, time) answers that without reading the window's other entries.
CREATE INDEX log_entries_action_time ON log_entries (action, logged_at);
