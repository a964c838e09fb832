package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/aduan-id/aduan/api"
)

// importChunk is how many reports Import holds in memory at a time.
const importChunk = 2000

// Import bulk-loads reports with their timelines in one transaction: COPY
// on PostgreSQL, prepared INSERTs on SQLite. It is for loading data (moving
// reports from another store, test fixtures), not for the intake path: a
// number that exists already fails the whole import, and no effects are
// queued. reports is read once, a chunk at a time, so memory does not grow
// with the count. Afterwards the tables are analysed (and on PostgreSQL
// vacuumed, so that index-only scans work at once), as after any bulk load.
// It returns the number of reports imported.
func (s *Store) Import(ctx context.Context, reports iter.Seq[*api.Report]) (int, error) {
	var n int
	var err error
	if s.dialect == DialectPostgres {
		n, err = s.importCopy(ctx, reports)
	} else {
		n, err = s.importInserts(ctx, reports)
	}
	if err != nil {
		return 0, fmt.Errorf("import reports: %w", err)
	}
	after := []string{"ANALYZE"}
	if s.dialect == DialectPostgres {
		after = []string{"VACUUM (ANALYZE) reports", "VACUUM (ANALYZE) report_events"}
	}
	for _, q := range after {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return n, fmt.Errorf("import reports: %s: %w", q, err)
		}
	}
	return n, nil
}

// importDefaults fills the times a report may lack, like Create does.
func importDefaults(r *api.Report) *api.Report {
	c := *r
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	return &c
}

func (s *Store) importCopy(ctx context.Context, reports iter.Seq[*api.Report]) (int, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	n := 0
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		tx, err := pc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		// The trigram index takes most of a bulk load's time: a large
		// pending list merged in big batches is several times faster than
		// the default 4 MB one (for this transaction only).
		for _, set := range []string{"SET LOCAL gin_pending_list_limit = '256MB'", "SET LOCAL work_mem = '256MB'"} {
			if _, err := tx.Exec(ctx, set); err != nil {
				return fmt.Errorf("%s: %w", set, err)
			}
		}
		var reps, evs [][]any
		flush := func() error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reports"}, writeCols, pgx.CopyFromRows(reps)); err != nil {
				return fmt.Errorf("copy reports: %w", err)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"report_events"}, append([]string{"number"}, eventCols...), pgx.CopyFromRows(evs)); err != nil {
				return fmt.Errorf("copy events: %w", err)
			}
			n += len(reps)
			reps, evs = reps[:0], evs[:0]
			return nil
		}
		for r := range reports {
			r = importDefaults(r)
			reps = append(reps, s.reportRow(r))
			for i := range r.Timeline {
				evs = append(evs, append([]any{clean(r.Number)}, s.eventRow(&r.Timeline[i])...))
			}
			if len(reps) == importChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if len(reps) > 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	})
	return n, err
}

func (s *Store) importInserts(ctx context.Context, reports iter.Seq[*api.Report]) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		insReport, err := tx.PrepareContext(ctx, strings.TrimSuffix(insertReportSQL, " ON CONFLICT (number) DO NOTHING"))
		if err != nil {
			return err
		}
		defer insReport.Close()
		ps := make([]string, len(eventCols)+1)
		for i := range ps {
			ps[i] = fmt.Sprintf("$%d", i+1)
		}
		insEvent, err := tx.PrepareContext(ctx, "INSERT INTO report_events (number, "+joinCols(eventCols)+
			") VALUES ("+strings.Join(ps, ", ")+")")
		if err != nil {
			return err
		}
		defer insEvent.Close()
		for r := range reports {
			r = importDefaults(r)
			if _, err := insReport.ExecContext(ctx, s.reportRow(r)...); err != nil {
				return fmt.Errorf("insert report %s: %w", clean(r.Number), err)
			}
			for i := range r.Timeline {
				if _, err := insEvent.ExecContext(ctx, append([]any{clean(r.Number)}, s.eventRow(&r.Timeline[i])...)...); err != nil {
					return fmt.Errorf("insert event of %s: %w", clean(r.Number), err)
				}
			}
			n++
		}
		return nil
	})
	return n, err
}
