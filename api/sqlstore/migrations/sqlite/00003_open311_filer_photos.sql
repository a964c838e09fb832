-- The Open311 filer's contact, the filing key's hash and the published
-- photos; see migrations/postgres/00003.

-- +goose Up
ALTER TABLE reports ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN contact_account TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN filer TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN published_photos TEXT;

-- +goose Down
ALTER TABLE reports DROP COLUMN published_photos;
ALTER TABLE reports DROP COLUMN filer;
ALTER TABLE reports DROP COLUMN contact_account;
ALTER TABLE reports DROP COLUMN contact_email;
