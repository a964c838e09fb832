package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
)

// updateReportSQL writes every column of a report (derived ones included).
var updateReportSQL = func() string {
	sets := make([]string, 0, len(writeCols)-1)
	for i, c := range writeCols {
		if c != "number" {
			sets = append(sets, fmt.Sprintf("%s = $%d", c, i+1))
		}
	}
	return "UPDATE reports SET " + strings.Join(sets, ", ") + " WHERE number = $1"
}()

// Update loads the report and its timeline under the report's write lock,
// calls fn, and writes the report's columns, the events fn appended and the
// effects fn returned, in one transaction. Concurrent updates of one report
// run one after the other: PostgreSQL locks the row (SELECT ... FOR UPDATE),
// SQLite's immediate transaction holds the database's write lock.
func (s *Store) Update(ctx context.Context, number string, fn func(r *api.Report) ([]api.Effect, error)) (*api.Report, error) {
	number = clean(number)
	var out *api.Report
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		forUpdate := ""
		if s.dialect == DialectPostgres {
			forUpdate = " FOR UPDATE"
		}
		r, err := s.getReport(ctx, tx, "r.number = $1"+forUpdate, number)
		if err != nil {
			return err
		}
		loaded := len(r.Timeline)
		orig := cloneReport(r)
		effects, err := fn(r)
		if errors.Is(err, api.ErrNoChange) {
			out = orig
			return errNoWrite
		}
		if err != nil {
			return err
		}
		r.Number = number // the row being written, whatever fn did
		r.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, updateReportSQL, s.reportRow(r)...); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("service_request_id %q is another report's: %w", r.ServiceRequestID, api.ErrConflict)
			}
			return fmt.Errorf("write report: %w", err)
		}
		if len(r.Timeline) > loaded {
			if err := s.insertEvents(ctx, tx, number, r.Timeline[loaded:]); err != nil {
				return err
			}
		}
		if err := s.insertEffects(ctx, tx, number, effects); err != nil {
			return err
		}
		out = r
		return nil
	})
	if errors.Is(err, errNoWrite) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("update report %s: %w", number, err)
	}
	return out, nil
}

// errNoWrite rolls back an update whose fn made no change.
var errNoWrite = errors.New("no write")

// cloneReport copies r deeply enough that fn's changes to r (fields, the
// timeline, photos) do not show in the copy.
func cloneReport(r *api.Report) *api.Report {
	c := *r
	c.Photos = slices.Clone(r.Photos)
	c.Timeline = slices.Clone(r.Timeline)
	for i := range c.Timeline {
		c.Timeline[i].Photos = slices.Clone(c.Timeline[i].Photos)
	}
	return &c
}
