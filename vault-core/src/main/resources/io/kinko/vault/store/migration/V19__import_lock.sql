-- Transport (clause 7): a package is taken in once, and an import checks the log's IMPORT entries
-- for it before it logs its own. One row, locked (SELECT ... FOR UPDATE) from that check to the new
-- IMPORT entry, so that two imports of one package (two threads, or two hosts of a PostgreSQL
-- vault) cannot both pass the check.
-- Written to run again over what a stopped run left (H2 commits the CREATE TABLE as it runs it, and
-- Database.migrate repairs a failed run and runs it again): no statement fails for what it made.
CREATE TABLE IF NOT EXISTS import_lock (
  id INTEGER NOT NULL PRIMARY KEY
);

INSERT INTO import_lock (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM import_lock WHERE id = 1);
