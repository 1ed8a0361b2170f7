-- Transport (clause 7): a package is taken in once, and an import checks the log's IMPORT entries
-- for it before it logs its own. One row, locked (SELECT ... FOR UPDATE) from that check to the new
-- IMPORT entry, so that two imports of one package (two threads, or two hosts of a PostgreSQL
-- vault) cannot both pass the check.
CREATE TABLE import_lock (
  id INTEGER NOT NULL PRIMARY KEY
);

INSERT INTO import_lock (id) VALUES (1);
