-- The report store's schema, SQLite flavour. It differs from
-- migrations/postgres in its SQL only: times are integer microseconds since
-- the Unix epoch, UTC (sortable, compact, indexable, and the precision of
-- PostgreSQL's timestamptz, so both dialects return the same times), booleans
-- are integers, sequences are INTEGER PRIMARY KEY, and there is no trigram
-- index (the text search scans, fine at an embedded install's volume); an
-- index covers with extra key columns instead of INCLUDE. Text compares
-- byte-wise (BINARY), as PostgreSQL's COLLATE "C" columns do.
-- Keep the two in step: same tables, same columns, same indexes otherwise.

-- +goose Up
CREATE TABLE reports (
    number             TEXT PRIMARY KEY,
    category           TEXT NOT NULL DEFAULT '',
    agency             TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    incident_date      TEXT NOT NULL DEFAULT '',
    lat                REAL NOT NULL DEFAULT 0,
    lon                REAL NOT NULL DEFAULT 0,
    address            TEXT NOT NULL DEFAULT '',
    kecamatan          TEXT NOT NULL DEFAULT '',  -- as the citizen chose it
    kecamatan_key      TEXT NOT NULL DEFAULT '',  -- lower case: filters and grouping
    photos             TEXT,                      -- JSON array of photo metadata, NULL when none
    identity           TEXT NOT NULL,             -- public | anonim | rahasia (normalised)
    contact_name       TEXT NOT NULL DEFAULT '',
    contact_phone      TEXT NOT NULL DEFAULT '',
    phone_key          TEXT NOT NULL DEFAULT '',  -- normalised (+628...) for search
    source             TEXT NOT NULL DEFAULT '',
    channel            TEXT NOT NULL DEFAULT '',
    chat_id            TEXT NOT NULL DEFAULT '',
    lang               TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    created_day        TEXT NOT NULL,             -- YYYY-MM-DD in the store's zone
    updated_at         INTEGER NOT NULL,
    waiting_since      INTEGER,
    service_request_id TEXT NOT NULL DEFAULT '',
    forwarded_at       INTEGER,
    external           INTEGER NOT NULL DEFAULT 0,
    external_status    TEXT NOT NULL DEFAULT '',
    external_notes     TEXT NOT NULL DEFAULT '',
    rating             INTEGER NOT NULL DEFAULT 0,
    rating_comment     TEXT NOT NULL DEFAULT '',
    first_response_at  INTEGER,
    response_ms        INTEGER,                   -- first_response_at - created_at, for the median
    status_note        TEXT NOT NULL DEFAULT '',
    search             TEXT NOT NULL DEFAULT ''   -- lower(title, description, citizen's additions)
);

-- Newest first; its trailing columns make it cover the dashboard's
-- aggregates (Stats reads the index, not the wide rows).
CREATE INDEX reports_created ON reports (created_at DESC, number DESC, agency, status, category,
    kecamatan_key, kecamatan, created_day, first_response_at, waiting_since, response_ms);
CREATE INDEX reports_agency ON reports (agency, status, created_at DESC);
CREATE INDEX reports_category ON reports (category, created_at DESC);
CREATE INDEX reports_kecamatan ON reports (kecamatan_key, created_at DESC, kecamatan, agency, status);
CREATE INDEX reports_chat ON reports (channel, chat_id, created_at DESC);
CREATE INDEX reports_waiting ON reports (waiting_since, created_at, number);
CREATE INDEX reports_phone ON reports (phone_key) WHERE phone_key <> '';
CREATE UNIQUE INDEX reports_service_request_id ON reports (service_request_id)
    WHERE service_request_id <> '';
CREATE INDEX reports_external_open ON reports (number)
    WHERE external AND status IN ('received', 'verified', 'in_progress');
CREATE INDEX reports_public ON reports (created_at DESC, number DESC)
    WHERE identity IN ('public', 'anonim');
CREATE INDEX reports_response ON reports (response_ms, agency, created_at)
    WHERE response_ms IS NOT NULL;

CREATE TABLE report_events (
    seq         INTEGER PRIMARY KEY,
    number      TEXT NOT NULL REFERENCES reports (number) ON DELETE CASCADE,
    event_id    TEXT,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    from_status TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    agency      TEXT NOT NULL DEFAULT '',
    photos      TEXT,
    rating      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX report_events_id ON report_events (number, event_id);
CREATE INDEX report_events_additions ON report_events (number, seq)
    WHERE kind IN ('citizen_addition', 'citizen_answer');

-- AUTOINCREMENT: a relayed (deleted) row's seq is never reused, so seq
-- order stays commit order even after the table empties.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    effect_id  TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    number     TEXT NOT NULL DEFAULT '',
    payload    BLOB,
    created_at INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    key        TEXT PRIMARY KEY,
    number     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE dead_letters (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    stream          TEXT NOT NULL,
    entry           TEXT NOT NULL,
    number          TEXT NOT NULL DEFAULT '',
    agency          TEXT NOT NULL DEFAULT '',
    target          TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    resolved_at     INTEGER,
    resolved_how    TEXT NOT NULL DEFAULT '',
    resolved_by     TEXT NOT NULL DEFAULT '',
    resolved_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX dead_letters_entry ON dead_letters (stream, entry) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_open ON dead_letters (last_at DESC) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_agency ON dead_letters (agency, last_at DESC) WHERE resolved_at IS NULL;

-- +goose Down
DROP TABLE dead_letters;
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE report_events;
DROP TABLE reports;
