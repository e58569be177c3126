-- The identity of this store: one row, written when it is created. Logs and readiness name
-- the store by it, so that two nodes can tell whether they share one.
CREATE TABLE store_identity (
    id         TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL
);
