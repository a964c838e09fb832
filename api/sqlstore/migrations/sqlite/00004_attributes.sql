-- A service's own questions' answers and the date's note; see
-- migrations/postgres/00004.

-- +goose Up
ALTER TABLE reports ADD COLUMN attributes TEXT;
ALTER TABLE reports ADD COLUMN incident_date_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports DROP COLUMN incident_date_note;
ALTER TABLE reports DROP COLUMN attributes;
