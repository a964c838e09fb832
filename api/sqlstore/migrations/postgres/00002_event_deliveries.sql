-- What became of the message an admin's reply or a status change sent to the
-- citizen (sent, or failed: blocked, unreachable), reported back by the reply
-- sender. A table of its own: the timeline's rows are never rewritten, and
-- only events that told the citizen something have one.

-- +goose Up
CREATE TABLE event_deliveries (
    number   text COLLATE "C" NOT NULL REFERENCES reports (number) ON DELETE CASCADE,
    event_id text COLLATE "C" NOT NULL,
    status   text COLLATE "C" NOT NULL,
    at       timestamptz NOT NULL,
    detail   text NOT NULL DEFAULT '',
    PRIMARY KEY (number, event_id)
);

-- +goose Down
DROP TABLE event_deliveries;
