-- The ledger of one log. An entry and its leaf hash are written in the same transaction as
-- the interior nodes the entry completes, so the stored tree always agrees with the entries.
-- idx is the rowid: entries are stored in index order, and max(idx) is one b-tree step.
CREATE TABLE ledger_entries (
    idx       INTEGER PRIMARY KEY NOT NULL,
    leaf_hash BLOB NOT NULL,
    entry     BLOB NOT NULL
);

-- Perfect subtrees of level >= 1 (level 0 is ledger_entries.leaf_hash).
CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE ledger_checkpoints (
    size INTEGER PRIMARY KEY NOT NULL,
    note TEXT NOT NULL
);
