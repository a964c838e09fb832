-- What became of the message an admin's reply or a status change sent to the
-- citizen; see migrations/postgres/00002 (times: integer microseconds, UTC).

-- +goose Up
CREATE TABLE event_deliveries (
    number   TEXT NOT NULL REFERENCES reports (number) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    at       INTEGER NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (number, event_id)
);

-- +goose Down
DROP TABLE event_deliveries;
