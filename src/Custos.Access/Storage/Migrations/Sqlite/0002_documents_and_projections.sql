-- Worlds and policy sets, content-addressed. A document is stored before the ledger entry that
-- activates it is appended, so that every activation in the ledger resolves to its content.
CREATE TABLE documents (
    sha256    TEXT PRIMARY KEY NOT NULL,
    kind      TEXT NOT NULL,
    content   BLOB NOT NULL,
    stored_at TEXT NOT NULL
);

-- The active document of each kind: a projection of the ledger's activation entries. No foreign
-- key: a store rebuilt from the ledger knows which document is active before it has its content.
CREATE TABLE active_documents (
    kind         TEXT PRIMARY KEY NOT NULL,
    sha256       TEXT NOT NULL,
    ledger_index INTEGER NOT NULL,
    activated_at TEXT NOT NULL,
    activated_by TEXT NOT NULL
);

-- Every decision about a subject, for their access report: a projection of the ledger's
-- decision entries, which can always be rebuilt from the ledger.
CREATE TABLE subject_decisions (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    subject      TEXT NOT NULL,
    entry        TEXT NOT NULL
);
CREATE INDEX subject_decisions_by_subject ON subject_decisions (subject, ledger_index);

-- How far each projection has read the ledger (the next index to read).
CREATE TABLE projections (
    name       TEXT PRIMARY KEY NOT NULL,
    next_index INTEGER NOT NULL
);
