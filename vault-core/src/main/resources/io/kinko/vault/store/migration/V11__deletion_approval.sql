-- The two-person rule for deletions (vault policy deletion.approval = two-person): a request is
-- recorded as deletions rows in state REQUESTED and destroys nothing; the administrator
-- who approves it is recorded here and named on the certificate beside the requester (operator).
-- The column is covered by the state commitment (state.StateKind), but only once set, so rows
-- written before this migration keep their digest.
ALTER TABLE deletions ADD COLUMN approver VARCHAR(64);
