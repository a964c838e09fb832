-- The report store's schema, PostgreSQL flavour. It differs from
-- migrations/sqlite in its SQL only: timestamptz for times (SQLite: integer
-- microseconds), identity columns, a boolean type, INCLUDE columns, COLLATE
-- "C" on identifiers and codes (byte order, as SQLite's BINARY: the two
-- dialects sort and page alike, and btree comparisons skip the locale), and
-- a pg_trgm GIN index that serves the console's case-insensitive substring
-- search (SQLite scans). Keep the two in step: same tables, same columns,
-- same indexes otherwise.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per report: the Report's scalar fields, plus derived columns the
-- queries need (kecamatan_key, phone_key, created_day, response_ms, search),
-- all computed by the store when it writes the row.
CREATE TABLE reports (
    number             text COLLATE "C" PRIMARY KEY,
    category           text COLLATE "C" NOT NULL DEFAULT '',
    agency             text COLLATE "C" NOT NULL DEFAULT '',
    title              text NOT NULL DEFAULT '',
    description        text NOT NULL DEFAULT '',
    incident_date      text NOT NULL DEFAULT '',
    lat                double precision NOT NULL DEFAULT 0,
    lon                double precision NOT NULL DEFAULT 0,
    address            text NOT NULL DEFAULT '',
    kecamatan          text NOT NULL DEFAULT '',  -- as the citizen chose it
    kecamatan_key      text COLLATE "C" NOT NULL DEFAULT '',  -- lower case: filters and grouping
    photos             text,                      -- JSON array of photo metadata, NULL when none
    identity           text COLLATE "C" NOT NULL,             -- public | anonim | rahasia (normalised)
    contact_name       text NOT NULL DEFAULT '',
    contact_phone      text NOT NULL DEFAULT '',
    phone_key          text COLLATE "C" NOT NULL DEFAULT '',  -- normalised (+628...) for search
    source             text NOT NULL DEFAULT '',
    channel            text COLLATE "C" NOT NULL DEFAULT '',
    chat_id            text COLLATE "C" NOT NULL DEFAULT '',
    lang               text NOT NULL DEFAULT '',
    status             text COLLATE "C" NOT NULL,
    created_at         timestamptz NOT NULL,
    created_day        text COLLATE "C" NOT NULL,             -- YYYY-MM-DD in the store's zone
    updated_at         timestamptz NOT NULL,
    waiting_since      timestamptz,
    service_request_id text COLLATE "C" NOT NULL DEFAULT '',
    forwarded_at       timestamptz,
    external           boolean NOT NULL DEFAULT false,
    external_status    text NOT NULL DEFAULT '',
    external_notes     text NOT NULL DEFAULT '',
    rating             integer NOT NULL DEFAULT 0,
    rating_comment     text NOT NULL DEFAULT '',
    first_response_at  timestamptz,
    response_ms        bigint,                    -- first_response_at - created_at, for the median
    status_note        text NOT NULL DEFAULT '',
    search             text NOT NULL DEFAULT ''   -- lower(title, description, citizen's additions)
);

-- The inbox, newest first, alone or narrowed by one filter. reports_created
-- also covers the dashboard (Stats) and the inbox's per-status counts: their
-- aggregates over a creation range, or over everything, read this narrow
-- index alone (an index-only scan), never the wide rows. No index leads with
-- status: the counts ignore it, and a status is common enough that walking
-- reports_created newest first finds a page of it at once (agency + status
-- has reports_agency).
CREATE INDEX reports_created ON reports (created_at DESC, number DESC)
    INCLUDE (agency, status, category, kecamatan_key, kecamatan, created_day,
             first_response_at, waiting_since, response_ms);
CREATE INDEX reports_agency ON reports (agency, status, created_at DESC);
CREATE INDEX reports_category ON reports (category, created_at DESC);
-- INCLUDE: the display spelling for Stats, and agency and status, so that
-- the inbox's counts by kecamatan (and agency) read the index alone.
CREATE INDEX reports_kecamatan ON reports (kecamatan_key, created_at DESC)
    INCLUDE (kecamatan, agency, status);
-- ByChat, and the Channel filter through its leading column.
CREATE INDEX reports_chat ON reports (channel, chat_id, created_at DESC);
-- Sort "waiting": waiting reports oldest wait first (NULLs sort last in an
-- ascending btree, as the query wants).
CREATE INDEX reports_waiting ON reports (waiting_since, created_at, number);
CREATE INDEX reports_phone ON reports (phone_key) WHERE phone_key <> '';
CREATE UNIQUE INDEX reports_service_request_id ON reports (service_request_id)
    WHERE service_request_id <> '';
-- The poller's keyset walk over open reports at an external server.
CREATE INDEX reports_external_open ON reports (number)
    WHERE external AND status IN ('received', 'verified', 'in_progress');
-- The public Open311 list: never rahasia, newest first.
CREATE INDEX reports_public ON reports (created_at DESC, number DESC)
    WHERE identity IN ('public', 'anonim');
CREATE INDEX reports_search ON reports USING gin (search gin_trgm_ops);
-- The median response time: its middle row is an OFFSET into this index
-- (and its scope, agency and creation time, is filtered in the index too).
CREATE INDEX reports_response ON reports (response_ms) INCLUDE (agency, created_at)
    WHERE response_ms IS NOT NULL;

-- A report's timeline, oldest first by seq. event_id is NULL for an event
-- without an id (several may exist); with one, it is unique per report, so a
-- redelivered change cannot add its event twice.
CREATE TABLE report_events (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number      text COLLATE "C" NOT NULL REFERENCES reports (number) ON DELETE CASCADE,
    event_id    text COLLATE "C",
    kind        text COLLATE "C" NOT NULL,
    actor       text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    text        text NOT NULL DEFAULT '',
    from_status text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT '',
    agency      text NOT NULL DEFAULT '',
    photos      text,                             -- JSON array, NULL when none
    rating      integer NOT NULL DEFAULT 0
);
-- Also the timeline's index (by number; a timeline is short, sorting it by
-- seq is free).
CREATE UNIQUE INDEX report_events_id ON report_events (number, event_id);
-- The citizen's additions, for Export: most reports have none, and the
-- probe of this small index says so without touching the table.
CREATE INDEX report_events_additions ON report_events (number, seq)
    WHERE kind IN ('citizen_addition', 'citizen_answer');

-- Work a change causes, committed with it; the relay reads by seq and
-- deletes what it relayed.
CREATE TABLE outbox (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    effect_id  text COLLATE "C" NOT NULL UNIQUE,
    kind       text COLLATE "C" NOT NULL,
    number     text COLLATE "C" NOT NULL DEFAULT '',
    payload    bytea,
    created_at timestamptz NOT NULL
);

-- Open311 Idempotency-Key hashes and the report each created.
CREATE TABLE idempotency_keys (
    key        text COLLATE "C" PRIMARY KEY,
    number     text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL
);

-- Work a worker gave up on, until a person retries or discards it. One
-- unresolved row per stream entry; once resolved, the same entry may fail
-- (and be added) again as a new row.
CREATE TABLE dead_letters (
    id              text COLLATE "C" PRIMARY KEY,
    kind            text COLLATE "C" NOT NULL,
    stream          text COLLATE "C" NOT NULL,
    entry           text COLLATE "C" NOT NULL,
    number          text COLLATE "C" NOT NULL DEFAULT '',
    agency          text COLLATE "C" NOT NULL DEFAULT '',
    target          text NOT NULL DEFAULT '',
    error           text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    first_at        timestamptz NOT NULL,
    last_at         timestamptz NOT NULL,
    payload         text NOT NULL DEFAULT '{}',  -- JSON object of the entry's fields
    resolved_at     timestamptz,
    resolved_how    text NOT NULL DEFAULT '',
    resolved_by     text NOT NULL DEFAULT '',
    resolved_reason text NOT NULL DEFAULT ''
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
