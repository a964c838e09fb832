package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one directory of goose SQL migrations per dialect: the
// schema is the same, its SQL is not (types, identity columns, pg_trgm).
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// versionTable is goose's bookkeeping table, named for Aduan so that another
// goose user sharing the database (or schema) keeps its own.
const versionTable = "aduan_schema_version"

// Migrate brings the schema up to the newest version this binary knows. It
// is a no-op on an up-to-date database, and refuses (writing nothing) a
// database whose schema is newer than this binary: an older replica must not
// run against a schema it does not understand. On PostgreSQL concurrent
// migrators (replicas starting together) queue on an advisory lock.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrator(ctx)
	if err != nil {
		return fmt.Errorf("migrate report database: %w", err)
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate report database: read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("database schema version %d is newer than this binary supports (%d); upgrade aduan", current, known)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate report database: %w", err)
	}
	for _, r := range res {
		s.log.InfoContext(ctx, "report database migrated", "dialect", s.dialect,
			"version", r.Source.Version, "took", r.Duration)
	}
	return nil
}

// SchemaVersion returns the schema version of the database and the newest
// version this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := s.migrator(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	current, known, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, known, nil
}

func (s *Store) migrator(ctx context.Context) (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if s.dialect == DialectPostgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(s.log),
	}
	if s.dialect == DialectPostgres {
		id, err := s.lockID(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(advisoryLock{id: id}))
	}
	return goose.NewProvider(dialect, s.db, fsys, opts...)
}

// lockID is the advisory lock of this schema's migrations: one per schema,
// so that migrating one schema does not wait for another in the same
// database (tests run one schema each).
func (s *Store) lockID(ctx context.Context) (int64, error) {
	var schema sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return 0, fmt.Errorf("current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("aduan migrations " + schema.String))
	return int64(h.Sum64()), nil
}

// advisoryLock is a goose SessionLocker on a PostgreSQL session advisory
// lock. Unlike goose's own, which polls every few seconds, it waits in
// pg_advisory_lock (cancelled with ctx), so the second replica starts as soon
// as the first one has migrated.
type advisoryLock struct{ id int64 }

var _ lock.SessionLocker = advisoryLock{}

// SessionLock waits for the lock.
func (l advisoryLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, l.id); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	return nil
}

// SessionUnlock releases it.
func (l advisoryLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, l.id); err != nil {
		return fmt.Errorf("unlock migrations: %w", err)
	}
	return nil
}
