-- Keyed tags over what grants access, so that a row edited in the database file (a role raised,
-- a permission added) is refused instead of obeyed. Status and failed-login counts change before
-- a login has keys, so they are not covered: editing them can only unlock an account, which still
-- needs its password.
ALTER TABLE users ADD COLUMN seal CHAR(64);
ALTER TABLE grants ADD COLUMN seal CHAR(64);
