-- Costs that do not grow with the vault's history: ls of a folder, rm and resuming deletions read
-- only the rows they need, through indexes. Nothing here depends on V8.

-- The folders each stored file version lies in: one row per (ancestor folder, version), the root
-- excluded (listing the root reads every row anyway). folder_tag is the folder's keyed tag, the
-- PRF that files.path_tag uses, so no name is stored. Written with the files row, in its transaction, and dropped with it. A row
-- is only a hint: whoever lists opens the version's sealed path and checks it really lies below.
CREATE TABLE file_folders (
  folder_tag  CHAR(64) NOT NULL,
  file_id     CHAR(32) NOT NULL,
  PRIMARY KEY (folder_tag, file_id)
);

CREATE INDEX file_folders_file ON file_folders (file_id);

-- Versions stored before this table have no rows, and their tags need the vault's keys: the first
-- session after the migration fills them in and sets filled_at. Until then, listing reads every row.
CREATE TABLE file_folders_state (
  id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  filled_at  BIGINT
);

INSERT INTO file_folders_state (id, filled_at) VALUES (1, NULL);

-- rm finds the DELETE entries of a deletion batch by file id, not by scanning every entry's text.
ALTER TABLE log_entries ADD COLUMN file_id VARCHAR(64);

CREATE INDEX log_entries_file ON log_entries (file_id, action);

-- Only DELETE entries are looked up this way; those written before this column get their file id
-- from the stored canonical JSON, where the key "fileId" is spelled exactly so (a quote inside a
-- string is escaped, so the pattern cannot match inside a value).
UPDATE log_entries
   SET file_id = SUBSTRING(entry FROM POSITION('"fileId":"' IN entry) + 10 FOR 32)
 WHERE action = 'DELETE' AND POSITION('"fileId":"' IN entry) > 0;

-- Logging in resumes unfinished deletion batches: found through an index, not a scan.
CREATE INDEX deletions_state ON deletions (state, batch_id);
