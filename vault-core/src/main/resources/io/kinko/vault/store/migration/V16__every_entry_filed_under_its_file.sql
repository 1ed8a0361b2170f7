-- Every entry that names a file is filed under it. V9 gave only the DELETE entries written before
-- it their file id; the others kept a NULL file_id, which the verifier had to let pass for every
-- row, so nulling a DELETE row's file_id (an edit of the database) hid it from rm's look-up and
-- the verifier still passed. Now the column is NULL exactly when the entry has no "fileId".
-- File ids are 32 characters (files.file_id is CHAR(32)), and canonical JSON spells the key
-- exactly so, with every quote inside a string escaped: the pattern matches only the key itself.
UPDATE log_entries
   SET file_id = SUBSTRING(entry FROM POSITION('"fileId":"' IN entry) + 10 FOR 32)
 WHERE file_id IS NULL AND POSITION('"fileId":"' IN entry) > 0;
