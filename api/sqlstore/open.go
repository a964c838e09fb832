package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/aduan-id/aduan/api"
)

// Dialect names, as Dialect returns them.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Location is the zone of the per-day statistics (a report's creation
	// day). Default Asia/Jakarta.
	Location *time.Location
	// Logger receives the migrations' progress. Default: discard.
	Logger *slog.Logger
	// MaxOpenConns bounds the connection pool (default 10 for PostgreSQL,
	// 4 for SQLite: one writer at a time anyway, WAL readers beside it).
	MaxOpenConns int
	// MaxIdleConns is the number of idle connections kept (default
	// MaxOpenConns).
	MaxIdleConns int
}

// Store is the SQL report store. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect string
	loc     *time.Location
	log     *slog.Logger
}

var _ api.ReportStore = (*Store)(nil)

// sqliteBusyTimeout is how long a SQLite writer waits for the write lock
// before failing: writers are short, so only a stuck process exceeds it.
const sqliteBusyTimeout = 10 * time.Second

// Open connects to the database named by dsn and applies the embedded
// migrations. A dsn starting with postgres:// or postgresql:// is
// PostgreSQL; anything else is SQLite: "sqlite:path", "file:path" or a plain
// path (its directory is created). A database whose schema is newer than this
// binary knows is refused untouched.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{loc: opts.Location, log: opts.Logger}
	if s.loc == nil {
		loc, err := time.LoadLocation("Asia/Jakarta")
		if err != nil {
			// No tz database on this machine: Jakarta is UTC+7 all year.
			loc = time.FixedZone("WIB", 7*3600)
		}
		s.loc = loc
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(dsn) == "" {
		// SQLite would open a private temporary database per connection.
		return nil, fmt.Errorf("open report database: no DSN")
	}
	var err error
	if isPostgres(dsn) {
		s.dialect = DialectPostgres
		s.db, err = openPostgres(dsn)
	} else {
		s.dialect = DialectSQLite
		s.db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	maxOpen := opts.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 10
		if s.dialect == DialectSQLite {
			maxOpen = 4
		}
	}
	if s.dialect == DialectSQLite && isSQLiteMemory(dsn) {
		maxOpen = 1 // every connection to :memory: is a database of its own
	}
	maxIdle := opts.MaxIdleConns
	if maxIdle <= 0 {
		maxIdle = maxOpen
	}
	s.db.SetMaxOpenConns(maxOpen)
	s.db.SetMaxIdleConns(maxIdle)
	s.db.SetConnMaxIdleTime(5 * time.Minute)

	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open report database (%s %s): %w", s.dialect, redact(dsn), err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is DialectPostgres or DialectSQLite.
func (s *Store) Dialect() string { return s.dialect }

// Ping checks the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping report database: %w", err)
	}
	return nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors can quote the DSN, password included.
		return nil, fmt.Errorf("open report database: bad PostgreSQL DSN %s", redact(dsn))
	}
	return stdlib.OpenDB(*cfg), nil
}

// openSQLite opens path with WAL (readers never wait for the writer), a busy
// timeout (writers queue instead of failing), foreign keys, and immediate
// transactions: every transaction here writes, and taking the write lock at
// BEGIN means two writers never both read and then fail to upgrade (which
// SQLite reports as SQLITE_BUSY at once, without waiting). synchronous stays
// FULL: a committed complaint survives a power cut.
func openSQLite(dsn string) (*sql.DB, error) {
	path, query, _ := strings.Cut(sqlitePath(dsn), "?")
	if !isSQLiteMemory(dsn) && path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open report database: create directory for %s: %w", path, err)
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("open report database: bad SQLite DSN %q: %w", dsn, err)
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if !isSQLiteMemory(dsn) {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	uri := path
	if !strings.HasPrefix(dsn, "file:") {
		// A plain path becomes a SQLite URI: escape what a URI gives meaning.
		uri = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	}
	db, err := sql.Open("sqlite", "file:"+uri+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open report database %s: %w", path, err)
	}
	return db, nil
}

// sqlitePath strips the scheme of a SQLite DSN: "sqlite://x", "sqlite:x",
// "file:x" and "x" all name the file x.
func sqlitePath(dsn string) string {
	for _, p := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if rest, ok := strings.CutPrefix(dsn, p); ok {
			return rest
		}
	}
	return dsn
}

func isSQLiteMemory(dsn string) bool {
	p := sqlitePath(dsn)
	return strings.HasPrefix(p, ":memory:") || strings.Contains(p, "mode=memory")
}

// redact hides a password in a DSN for error messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if isPostgres(dsn) {
			return "(unparsable DSN)"
		}
		return dsn
	}
	return u.Redacted()
}
