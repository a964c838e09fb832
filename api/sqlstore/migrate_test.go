package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

// rawExec runs SQL on the database behind dsn, beside the store.
func rawExec(t *testing.T, dsn, query string) {
	t.Helper()
	ctx := context.Background()
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestMigrationsRerunAreNoOps(t *testing.T) {
	for _, d := range sqlstoretest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := sqlstoretest.DSN(t, d)
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			create(t, s, report("SDA-MG0001"))
			if err := s.Migrate(ctx); err != nil {
				t.Errorf("migrate again: %v", err)
			}
			cur, known, err := s.SchemaVersion(ctx)
			if err != nil || cur != known || known < 1 {
				t.Errorf("schema version %d of %d: %v", cur, known, err)
			}
			s.Close()
			// Reopening (a restart, or a second replica) keeps the data.
			s, err = sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer s.Close()
			get(t, s, "SDA-MG0001")
			if s.Dialect() != d {
				t.Errorf("dialect %q, want %q", s.Dialect(), d)
			}
		})
	}
}

func TestSchemaTooNewRefused(t *testing.T) {
	for _, d := range sqlstoretest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := sqlstoretest.DSN(t, d)
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			create(t, s, report("SDA-NEW001"))
			_, known, _ := s.SchemaVersion(ctx)
			s.Close()
			// A newer aduan migrated this database to a version we don't know.
			rawExec(t, dsn, "INSERT INTO aduan_schema_version (version_id, is_applied) VALUES (99999, true)")
			rawExec(t, dsn, "CREATE TABLE from_the_future (x integer)")

			_, err = sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err == nil || !strings.Contains(err.Error(), "database schema version 99999 is newer than this binary supports") ||
				!strings.Contains(err.Error(), "upgrade aduan") {
				t.Fatalf("open of a newer schema: %v", err)
			}
			_ = known
			// Untouched: remove the future version, and the data is all there.
			rawExec(t, dsn, "DELETE FROM aduan_schema_version WHERE version_id = 99999")
			rawExec(t, dsn, "DROP TABLE from_the_future")
			s, err = sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			get(t, s, "SDA-NEW001")
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := sqlstore.Open(ctx, "postgres://aduan:secret@127.0.0.1:1/aduan?sslmode=disable&connect_timeout=2", sqlstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "open report database") {
		t.Errorf("unreachable PostgreSQL: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
	if _, err := sqlstore.Open(ctx, " ", sqlstore.Options{}); err == nil {
		t.Errorf("empty DSN accepted")
	}
	_, err = sqlstore.Open(ctx, "sqlite:/proc/no/such/dir/aduan.db", sqlstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "open report database") {
		t.Errorf("SQLite in an impossible place: %v", err)
	}
}

func TestOpenSQLiteForms(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, dsn := range []string{
		filepath.Join(dir, "plain", "deep", "a.db"),
		"sqlite:" + filepath.Join(dir, "scheme", "b.db"),
		"file:" + filepath.Join(dir, "file", "c.db") + "?cache=private",
	} {
		s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		create(t, s, report("SDA-FORM01"))
		if s.Dialect() != sqlstore.DialectSQLite {
			t.Errorf("%s: dialect %s", dsn, s.Dialect())
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("%s: ping: %v", dsn, err)
		}
		s.Close()
	}
}
