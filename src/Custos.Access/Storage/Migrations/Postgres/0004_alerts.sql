-- See the SQLite migration of the same number for what each table is for.
CREATE TABLE alert_entries (
    ledger_index BIGINT PRIMARY KEY NOT NULL,
    alert_id     TEXT NOT NULL,
    entry        TEXT NOT NULL
);
CREATE INDEX alert_entries_by_alert ON alert_entries (alert_id, ledger_index);

CREATE TABLE alerts (
    id         TEXT PRIMARY KEY NOT NULL,
    seq        BIGINT NOT NULL,
    queue      TEXT NOT NULL,
    state      TEXT NOT NULL,
    status     TEXT NOT NULL,
    detector   TEXT NOT NULL,
    severity   INTEGER NOT NULL,
    raised_at  TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_index BIGINT NOT NULL,
    document   TEXT NOT NULL
);
CREATE INDEX alerts_by_queue ON alerts (queue, seq);
CREATE UNIQUE INDEX alerts_by_seq ON alerts (seq);

CREATE TABLE alert_parties (
    alert_id TEXT NOT NULL,
    role     TEXT NOT NULL,
    party    TEXT NOT NULL,
    PRIMARY KEY (alert_id, role, party)
);
CREATE INDEX alert_parties_by_party ON alert_parties (party, role, alert_id);
