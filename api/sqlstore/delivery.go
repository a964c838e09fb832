package sqlstore

import (
	"context"
	"fmt"

	"github.com/aduan-id/aduan/api"
)

// SetDelivery records what became of the message an event sent to the
// citizen; a later report (a retried message that got through) replaces an
// earlier one.
func (s *Store) SetDelivery(ctx context.Context, number, eventID string, d api.Delivery) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO event_deliveries (number, event_id, status, at, detail)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (number, event_id) DO UPDATE SET status = excluded.status, at = excluded.at, detail = excluded.detail`,
		clean(number), clean(eventID), clean(d.Status), s.t(d.At), clean(d.Detail))
	if err != nil {
		if isForeignKeyViolation(err) {
			return fmt.Errorf("set delivery of %s/%s: %w", number, eventID, notFound(number))
		}
		return fmt.Errorf("set delivery of %s/%s: %w", number, eventID, err)
	}
	return nil
}

// attachDeliveries puts the recorded deliveries on r's timeline events.
func (s *Store) attachDeliveries(ctx context.Context, q querier, r *api.Report) error {
	rows, err := q.QueryContext(ctx, `SELECT event_id, status, at, detail FROM event_deliveries WHERE number = $1`, r.Number)
	if err != nil {
		return fmt.Errorf("read deliveries of %s: %w", r.Number, err)
	}
	defer rows.Close()
	byID := map[string]api.Delivery{}
	for rows.Next() {
		var id string
		var d api.Delivery
		if err := rows.Scan(&id, &d.Status, timeCol{&d.At}, &d.Detail); err != nil {
			return fmt.Errorf("read deliveries of %s: %w", r.Number, err)
		}
		byID[id] = d
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read deliveries of %s: %w", r.Number, err)
	}
	for i := range r.Timeline {
		if d, ok := byID[r.Timeline[i].ID]; ok {
			r.Timeline[i].Delivery = &d
		}
	}
	return nil
}
