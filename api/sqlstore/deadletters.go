package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
)

// Dead-letter paging bounds.
const (
	deadLetterPageSize    = 50
	deadLetterMaxPageSize = 200
)

const deadLetterCols = "id, kind, stream, entry, number, agency, target, error, attempts, first_at, last_at, payload"

// AddDeadLetter records d. It is idempotent by (Stream, Entry) among the
// unresolved: a worker that crashed after adding and before acknowledging
// adds the same entry again, and that updates the error, attempts, target,
// payload and last time of the one row (its id and first time stay). Once
// resolved, the same entry failing again is a new dead letter. Agency is the
// report's when d names a report and has none; ID is random when empty.
func (s *Store) AddDeadLetter(ctx context.Context, d api.DeadLetter) error {
	if d.ID == "" {
		d.ID = randomID()
	}
	if d.FirstAt.IsZero() {
		d.FirstAt = time.Now()
	}
	if d.LastAt.IsZero() {
		d.LastAt = d.FirstAt
	}
	if d.Agency == "" && d.Number != "" {
		err := s.db.QueryRowContext(ctx, `SELECT agency FROM reports WHERE number = $1`, clean(d.Number)).Scan(&d.Agency)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("add dead letter: agency of %s: %w", clean(d.Number), err)
		}
	}
	payload := make(map[string]string, len(d.Payload))
	for k, v := range d.Payload {
		payload[clean(k)] = clean(v)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("add dead letter: encode payload: %w", err)
	}
	_, err = s.db.ExecContext(ctx, "INSERT INTO dead_letters ("+deadLetterCols+")"+
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"+
		" ON CONFLICT (stream, entry) WHERE resolved_at IS NULL DO UPDATE SET"+
		" error = excluded.error, attempts = excluded.attempts, target = excluded.target,"+
		" payload = excluded.payload, last_at = excluded.last_at",
		clean(d.ID), clean(d.Kind), clean(d.Stream), clean(d.Entry), clean(d.Number), clean(d.Agency),
		clean(d.Target), clean(d.Error), d.Attempts, s.t(d.FirstAt), s.t(d.LastAt), string(raw))
	if err != nil {
		return fmt.Errorf("add dead letter: %w", err)
	}
	return nil
}

// DeadLetters lists unresolved dead letters, newest (last failure) first.
func (s *Store) DeadLetters(ctx context.Context, q api.DeadLetterQuery) (*api.DeadLetterPage, error) {
	size := q.Size
	if size <= 0 {
		size = deadLetterPageSize
	}
	size = min(size, deadLetterMaxPageSize)
	page := max(q.Page, 1)

	var a args
	c := []string{"resolved_at IS NULL"}
	if v := clean(q.Kind); v != "" {
		c = append(c, "kind = "+a.add(v))
	}
	if v := clean(q.Agency); v != "" {
		c = append(c, "agency = "+a.add(v))
	}
	where := " WHERE " + strings.Join(c, " AND ")
	out := &api.DeadLetterPage{Items: []api.DeadLetter{}}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dead_letters"+where, a...).Scan(&out.Total); err != nil {
		return nil, fmt.Errorf("count dead letters: %w", err)
	}
	offset := (page - 1) * size
	if offset >= out.Total {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+deadLetterCols+" FROM dead_letters"+where+
		" ORDER BY last_at DESC, id DESC LIMIT "+a.add(size)+" OFFSET "+a.add(offset), a...)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDeadLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
		out.Items = append(out.Items, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return out, nil
}

// DeadLetter returns one unresolved dead letter (ErrNotFound when missing or
// resolved).
func (s *Store) DeadLetter(ctx context.Context, id string) (api.DeadLetter, error) {
	d, err := scanDeadLetter(s.db.QueryRowContext(ctx, "SELECT "+deadLetterCols+
		" FROM dead_letters WHERE id = $1 AND resolved_at IS NULL", clean(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("dead letter %s: %w", clean(id), api.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("get dead letter %s: %w", clean(id), err)
	}
	return d, nil
}

// ResolveDeadLetter marks it handled (how: "retried" or "discarded") by
// actor with a reason; it leaves the list. ErrNotFound when missing or
// already resolved, so two admins cannot both retry it.
func (s *Store) ResolveDeadLetter(ctx context.Context, id, how, actor, reason string) error {
	if clean(how) == "" {
		return fmt.Errorf("resolve dead letter %s: no resolution: %w", clean(id), api.ErrInvalid)
	}
	res, err := s.db.ExecContext(ctx, "UPDATE dead_letters SET resolved_at = $2, resolved_how = $3,"+
		" resolved_by = $4, resolved_reason = $5 WHERE id = $1 AND resolved_at IS NULL",
		clean(id), s.t(time.Now()), clean(how), clean(actor), clean(reason))
	if err != nil {
		return fmt.Errorf("resolve dead letter %s: %w", clean(id), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("resolve dead letter %s: %w", clean(id), err)
	}
	if n == 0 {
		return fmt.Errorf("dead letter %s: %w", clean(id), api.ErrNotFound)
	}
	return nil
}

func scanDeadLetter(sc rowScanner) (api.DeadLetter, error) {
	var d api.DeadLetter
	var payload string
	err := sc.Scan(&d.ID, &d.Kind, &d.Stream, &d.Entry, &d.Number, &d.Agency, &d.Target, &d.Error,
		&d.Attempts, timeCol{&d.FirstAt}, timeCol{&d.LastAt}, &payload)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(payload), &d.Payload); err != nil {
		return d, fmt.Errorf("dead letter %s: decode payload: %w", d.ID, err)
	}
	return d, nil
}
