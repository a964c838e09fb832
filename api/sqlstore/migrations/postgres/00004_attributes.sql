-- The answers to a service's own questions (services.yaml attributes, sent
-- to the complaint API as attribute[code]) and how sure the citizen was of
-- the date ("sekitar …", "tidak diketahui").

-- +goose Up
ALTER TABLE reports ADD COLUMN attributes text;
ALTER TABLE reports ADD COLUMN incident_date_note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports DROP COLUMN incident_date_note;
ALTER TABLE reports DROP COLUMN attributes;
