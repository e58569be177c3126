-- Alerts raised by detection: a projection of the ledger's "alert" and "alert-triage" entries,
-- written by the one node that runs detection, in ledger order, with its position in
-- `projections` in the same transaction. It can always be rebuilt from the ledger.

-- Every alert entry (change or triage) by its ledger index: the webhook sink's outbox, and the
-- history of each alert.
CREATE TABLE alert_entries (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    alert_id     TEXT NOT NULL,
    entry        TEXT NOT NULL
);
CREATE INDEX alert_entries_by_alert ON alert_entries (alert_id, ledger_index);

-- Each alert as its entries make it (the fold, as JSON), with the columns oversight filters on.
CREATE TABLE alerts (
    id         TEXT PRIMARY KEY NOT NULL,
    seq        INTEGER NOT NULL,
    queue      TEXT NOT NULL,
    state      TEXT NOT NULL,
    status     TEXT NOT NULL,
    detector   TEXT NOT NULL,
    severity   INTEGER NOT NULL,
    raised_at  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_index INTEGER NOT NULL,
    document   TEXT NOT NULL
);
CREATE INDEX alerts_by_queue ON alerts (queue, seq);
CREATE UNIQUE INDEX alerts_by_seq ON alerts (seq);

-- The readers and subjects of each alert, for "alerts about this reader / this subject".
CREATE TABLE alert_parties (
    alert_id TEXT NOT NULL,
    role     TEXT NOT NULL,
    party    TEXT NOT NULL,
    PRIMARY KEY (alert_id, role, party)
);
CREATE INDEX alert_parties_by_party ON alert_parties (party, role, alert_id);
