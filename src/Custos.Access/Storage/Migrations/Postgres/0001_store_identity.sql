-- The identity of this store: one row, written when it is created. Nodes sharing a database
-- see the same identity.
CREATE TABLE store_identity (
    id         TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
