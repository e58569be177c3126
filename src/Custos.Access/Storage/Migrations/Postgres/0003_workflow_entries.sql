-- See the SQLite migration of the same number.
CREATE TABLE workflow_entries (
    ledger_index BIGINT PRIMARY KEY NOT NULL,
    entry        TEXT NOT NULL
);
