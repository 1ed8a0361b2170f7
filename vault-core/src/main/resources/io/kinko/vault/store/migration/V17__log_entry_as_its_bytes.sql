-- An entry is stored as the UTF-8 bytes of its canonical JSON: the bytes its Merkle leaf hashes
-- and its journal record holds. As text, every read of a row decoded it character by character
-- and H2 hashed the string into its value cache: most of a verification's CPU, which compares
-- each row with the journal's bytes, and of the incident watch's first scan. The conversion is
-- each backend's UTF-8 encoder (the placeholder); the column stays NOT NULL. The text column's
-- 8,000-character bound goes: an entry's fields are bounded where they are made (a note at 500
-- characters), and the embedded vault's journal refuses a record over 64 KiB.
ALTER TABLE log_entries ALTER COLUMN entry SET DATA TYPE BYTEA USING ${entry_as_utf8};
