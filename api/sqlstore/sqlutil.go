package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aduan-id/aduan/api"
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// args collects bind parameters while a query is assembled: add returns the
// placeholder ($n, which both PostgreSQL and modernc's SQLite understand).
// Query text is only ever built from constants and placeholders; every value
// from outside is a parameter.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// list adds each value and returns "$i, $j, ...", for IN (...).
func (a *args) list(vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return strings.Join(ps, ", ")
}

// openStatuses is the SQL list of api's open statuses (constants, not
// input: the partial indexes' predicates spell the same literals).
var openStatuses = func() string {
	var qs []string
	for _, s := range api.Statuses {
		if s.Open() {
			qs = append(qs, "'"+string(s)+"'")
		}
	}
	return strings.Join(qs, ", ")
}()

// publicIdentities is the SQL list of identities that may be public.
const publicIdentities = "'public', 'anonim'"

// groupKey is col as a GROUP BY key for the per-status counts. SQLite's
// planner prefers an index that yields the GROUP BY order over a selective
// one, then reads every row it names (a search filter over the whole table
// through the status order, or an agency's rows to find one kecamatan): a
// unary + makes the key an expression no index orders, so SQLite picks the
// index by selectivity and sorts the handful of groups (7x to 50x faster at
// 100,000 reports). PostgreSQL hashes small groups and has no unary + on text.
func (s *Store) groupKey(col string) string {
	if s.dialect == DialectSQLite {
		return "+" + col
	}
	return col
}

// t is the bind value of a time: NULL for the zero time, UTC truncated to
// microseconds (PostgreSQL's precision) as timestamptz on PostgreSQL and as
// integer microseconds on SQLite (see migrations/sqlite).
func (s *Store) t(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	if s.dialect == DialectSQLite {
		return v.UnixMicro()
	}
	return v.UTC().Truncate(time.Microsecond)
}

// timeCol scans a time column of either dialect into a UTC time.Time (the
// zero time for NULL).
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(x).UTC()
	case time.Time:
		*c.t = x.UTC()
	default:
		return fmt.Errorf("time column: unexpected %T", v)
	}
	return nil
}

// inTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (fn's error is returned as is). On SQLite the transaction takes
// the write lock at BEGIN (_txlock=immediate), which is what serialises
// writers there.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a unique constraint's refusal.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// notFound is the store's "no such report" error.
func notFound(number string) error {
	return fmt.Errorf("report %s: %w", number, api.ErrNotFound)
}
