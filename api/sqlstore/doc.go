// Package sqlstore is the report store of Aduan (api.ReportStore) in a
// relational database: PostgreSQL in production (pgx), SQLite as the embedded
// default (modernc.org/sqlite, pure Go). Both dialects share the Go code and
// the queries through database/sql; only the schema (migrations/postgres and
// migrations/sqlite, embedded and applied by Open with goose) and a few
// expressions differ.
//
// It owns the tables reports, report_events, outbox, idempotency_keys and
// dead_letters. Every read is an indexed query with bind parameters; every
// string is made valid UTF-8 without NUL bytes before it reaches the
// database, so no citizen's text can make a write fail forever.
package sqlstore
