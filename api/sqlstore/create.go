package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
)

// insertReportSQL inserts a report unless its number exists.
var insertReportSQL = func() string {
	ps := make([]string, len(writeCols))
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return "INSERT INTO reports (" + strings.Join(writeCols, ", ") + ") VALUES (" +
		strings.Join(ps, ", ") + ") ON CONFLICT (number) DO NOTHING"
}()

// Create inserts r, its timeline and effects in one transaction; when the
// number exists nothing is written and created is false.
func (s *Store) Create(ctx context.Context, r *api.Report, effects []api.Effect) (created bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		created, err = s.insert(ctx, tx, r, effects)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("create report %s: %w", clean(r.Number), err)
	}
	return created, nil
}

// CreateIdempotent is Create guarded by an idempotency key: the key, the
// report and its effects commit together, so of two concurrent requests with
// one key exactly one creates a report (the other waits on the key's row
// and then reads the number it maps to).
func (s *Store) CreateIdempotent(ctx context.Context, idemKey string, r *api.Report, effects []api.Effect) (number string, err error) {
	if idemKey == "" {
		return "", fmt.Errorf("create report: empty idempotency key: %w", api.ErrInvalid)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO idempotency_keys (key, number, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
			clean(idemKey), clean(r.Number), s.t(time.Now()))
		if err != nil {
			return fmt.Errorf("record idempotency key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			err := tx.QueryRowContext(ctx, `SELECT number FROM idempotency_keys WHERE key = $1`, clean(idemKey)).Scan(&number)
			if err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			return nil
		}
		number = clean(r.Number)
		_, err = s.insert(ctx, tx, r, effects)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create report %s: %w", clean(r.Number), err)
	}
	return number, nil
}

// insert writes r (CreatedAt and UpdatedAt defaulting to now), then, only
// when the report is new, its timeline and effects.
func (s *Store) insert(ctx context.Context, q querier, r *api.Report, effects []api.Effect) (bool, error) {
	if clean(r.Number) == "" {
		return false, fmt.Errorf("report without a number: %w", api.ErrInvalid)
	}
	c := *r
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	res, err := q.ExecContext(ctx, insertReportSQL, s.reportRow(&c)...)
	if err != nil {
		if isUniqueViolation(err) {
			return false, fmt.Errorf("insert report: service_request_id %q is another report's: %w", c.ServiceRequestID, api.ErrConflict)
		}
		return false, fmt.Errorf("insert report: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	if err := s.insertEvents(ctx, q, c.Number, c.Timeline); err != nil {
		return false, err
	}
	if err := s.insertEffects(ctx, q, c.Number, effects); err != nil {
		return false, err
	}
	return true, nil
}

// rowsPerInsert bounds a multi-row INSERT (a dozen parameters a row, far
// below both databases' parameter limits).
const rowsPerInsert = 100

// insertEvents appends events to a report's timeline, in order (seq is the
// timeline's order). An event whose id the report already has is skipped: a
// redelivered change never doubles an event.
func (s *Store) insertEvents(ctx context.Context, q querier, number string, events []api.Event) error {
	for len(events) > 0 {
		part := events[:min(rowsPerInsert, len(events))]
		events = events[len(part):]
		var a args
		rows := make([]string, len(part))
		for i := range part {
			rows[i] = placeholders(&a, append([]any{clean(number)}, s.eventRow(&part[i])...))
		}
		_, err := q.ExecContext(ctx, "INSERT INTO report_events (number, "+strings.Join(eventCols, ", ")+
			") VALUES "+strings.Join(rows, ", ")+" ON CONFLICT (number, event_id) DO NOTHING", a...)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	return nil
}

// insertEffects queues effects in the outbox. An effect without a number
// belongs to the report being written; one without an id gets a random one;
// an effect id already queued is the same work and is skipped.
func (s *Store) insertEffects(ctx context.Context, q querier, number string, effects []api.Effect) error {
	now := s.t(time.Now())
	for len(effects) > 0 {
		part := effects[:min(rowsPerInsert, len(effects))]
		effects = effects[len(part):]
		var a args
		rows := make([]string, len(part))
		for i, e := range part {
			if e.ID == "" {
				e.ID = randomID()
			}
			if e.Number == "" {
				e.Number = number
			}
			rows[i] = placeholders(&a, []any{clean(e.ID), clean(e.Kind), clean(e.Number), e.Payload, now})
		}
		_, err := q.ExecContext(ctx, "INSERT INTO outbox (effect_id, kind, number, payload, created_at) VALUES "+
			strings.Join(rows, ", ")+" ON CONFLICT (effect_id) DO NOTHING", a...)
		if err != nil {
			return fmt.Errorf("queue effects: %w", err)
		}
	}
	return nil
}

// randomID is 16 random bytes in hex.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather)
	return hex.EncodeToString(b)
}
