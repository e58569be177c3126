-- See the SQLite migration of the same number for what each table is for.
CREATE TABLE documents (
    sha256    TEXT PRIMARY KEY NOT NULL,
    kind      TEXT NOT NULL,
    content   BYTEA NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE active_documents (
    kind         TEXT PRIMARY KEY NOT NULL,
    sha256       TEXT NOT NULL,
    ledger_index BIGINT NOT NULL,
    activated_at TIMESTAMPTZ NOT NULL,
    activated_by TEXT NOT NULL
);

CREATE TABLE subject_decisions (
    ledger_index BIGINT PRIMARY KEY NOT NULL,
    subject      TEXT NOT NULL,
    entry        TEXT NOT NULL
);
CREATE INDEX subject_decisions_by_subject ON subject_decisions (subject, ledger_index);

CREATE TABLE projections (
    name       TEXT PRIMARY KEY NOT NULL,
    next_index BIGINT NOT NULL
);
