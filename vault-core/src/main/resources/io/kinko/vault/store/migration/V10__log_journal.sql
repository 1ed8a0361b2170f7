-- The embedded vault's log journal (db/log.journal) is where an entry becomes durable; the
-- database keeps the entries for queries and proofs and may lag the journal after a crash.
-- journal_end is the offset in the journal where the record of the head's last entry ends, so
-- that opening the vault finds where the database stops and replays the rest. NULL on
-- PostgreSQL, whose own commit is durable, and before the journal exists.
ALTER TABLE log_head ADD COLUMN journal_end BIGINT;
