-- The ledger this store projects, named by the SHA-256 of its first entry (every entry carries a
-- random nonce, so no two ledgers share one): a store restored or copied beside another ledger
-- is refused at start rather than served. One row, written when the store first reads a ledger.
CREATE TABLE ledger_binding (
    id                 INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    first_entry_sha256 TEXT NOT NULL
);
