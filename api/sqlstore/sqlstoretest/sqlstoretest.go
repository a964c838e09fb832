// Package sqlstoretest opens real report databases for tests: a SQLite file
// in the test's temporary directory, or a fresh schema in a PostgreSQL test
// database, dropped when the test ends. Run a test over Dialects to cover
// both. Seed fills a store with realistic reports.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aduan-id/aduan/api/sqlstore"
)

// Dialects are the databases every store test runs on.
var Dialects = []string{sqlstore.DialectSQLite, sqlstore.DialectPostgres}

// PostgresEnv names the variable holding the PostgreSQL test database's URL
// (trust auth; each test gets a schema of its own in it).
const PostgresEnv = "ADUAN_TEST_POSTGRES_URL"

// DefaultPostgresURL is the test database when PostgresEnv is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Open returns a migrated store of the dialect, empty, closed when the test
// ends. See DSN for PostgreSQL's schema and for what happens when PostgreSQL
// does not answer.
func Open(t testing.TB, dialect string) *sqlstore.Store {
	t.Helper()
	return OpenWith(t, dialect, sqlstore.Options{})
}

// OpenWith is Open with options.
func OpenWith(t testing.TB, dialect string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.Open(ctx, DSN(t, dialect), opts)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// DSN returns the address of an empty database of the dialect for this test
// (to open, or reopen, with sqlstore.Open): a file in t.TempDir() for
// SQLite; for PostgreSQL, a new schema t_<random> in the test database (see
// PostgresEnv) that the DSN's search_path selects, dropped when the test
// ends. When PostgreSQL does not answer, the test is skipped, or fails when
// the environment variable CI is set (CI must not pass by skipping).
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case sqlstore.DialectSQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "aduan.db")
	case sqlstore.DialectPostgres:
		return postgresSchema(t)
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}

func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		base = DefaultPostgresURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		unavailable(t, err)
	}
	defer conn.Close(context.Background())

	schema := "t_" + randomHex(8)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop test schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("drop test schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	// public stays on the path: extensions (pg_trgm) usually live there.
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// unavailable skips the test, or fails it on CI.
func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := "PostgreSQL test database not reachable (set " + PostgresEnv + " or start PostgreSQL at 127.0.0.1:5432 with a database \"test\"): " + err.Error()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
