-- The access workflow's ledger entries (requests, approvals, grants, revocations …), kept so
-- that a restarted node folds them back into its state without rereading the whole ledger.
-- A projection like the others: rebuilt from the ledger when lost.
CREATE TABLE workflow_entries (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    entry        TEXT NOT NULL
);
