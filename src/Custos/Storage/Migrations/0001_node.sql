-- The identity of this data directory: one row, written when the store is created. Logs,
-- readiness and (later) the ledger and multi-node coordination name a node by this id.
CREATE TABLE node (
    id         TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL
);
