package sqlstore

import (
	"context"
	"fmt"

	"github.com/aduan-id/aduan/api"
)

// Outbox returns up to limit pending effects, oldest first (by seq).
func (s *Store) Outbox(ctx context.Context, limit int) ([]api.OutboxEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT seq, created_at, effect_id, kind, number, payload FROM outbox ORDER BY seq LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	out := []api.OutboxEntry{}
	for rows.Next() {
		var e api.OutboxEntry
		if err := rows.Scan(&e.Seq, timeCol{&e.CreatedAt}, &e.ID, &e.Kind, &e.Number, &e.Payload); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// OutboxDone removes relayed effects.
func (s *Store) OutboxDone(ctx context.Context, seqs ...int64) error {
	const batch = 500
	for len(seqs) > 0 {
		part := seqs[:min(batch, len(seqs))]
		seqs = seqs[len(part):]
		var a args
		in := make([]any, len(part))
		for i, q := range part {
			in[i] = q
		}
		if _, err := s.db.ExecContext(ctx, "DELETE FROM outbox WHERE seq IN "+placeholders(&a, in), a...); err != nil {
			return fmt.Errorf("outbox done: %w", err)
		}
	}
	return nil
}
