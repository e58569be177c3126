-- See the SQLite migration of the same number.
CREATE TABLE ledger_binding (
    id                 INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    first_entry_sha256 TEXT NOT NULL
);
