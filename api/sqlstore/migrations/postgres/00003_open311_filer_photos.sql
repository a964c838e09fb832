-- What the Open311 server needs beyond a chat report: the filer's e-mail and
-- account id at the filing application (the reporter's contact, shown as
-- name and phone are), the hash of the api_key that filed the report (that
-- key may always read it back), and the photos an admin approved for the
-- public view (a JSON array of photo indexes, NULL when none).

-- +goose Up
ALTER TABLE reports ADD COLUMN contact_email text NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN contact_account text NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN filer text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN published_photos text;

-- +goose Down
ALTER TABLE reports DROP COLUMN published_photos;
ALTER TABLE reports DROP COLUMN filer;
ALTER TABLE reports DROP COLUMN contact_account;
ALTER TABLE reports DROP COLUMN contact_email;
