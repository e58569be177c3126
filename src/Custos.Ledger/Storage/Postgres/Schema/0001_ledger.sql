-- The ledger of one log. An entry and its leaf hash are written in the same transaction as
-- the interior nodes the entry completes, so the stored tree always agrees with the entries.
CREATE TABLE ledger_entries (
    idx       bigint PRIMARY KEY,
    leaf_hash bytea NOT NULL,
    entry     bytea NOT NULL
);

-- Perfect subtrees of level >= 1 (level 0 is ledger_entries.leaf_hash).
CREATE TABLE ledger_nodes (
    level integer NOT NULL,
    idx   bigint NOT NULL,
    hash  bytea NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE ledger_checkpoints (
    size bigint PRIMARY KEY,
    note text NOT NULL
);
