package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aduan-id/aduan/api"
)

// Get returns the report with its whole timeline, oldest first.
func (s *Store) Get(ctx context.Context, number string) (*api.Report, error) {
	r, err := s.getReport(ctx, s.db, "r.number = $1", clean(number))
	if err != nil {
		return nil, fmt.Errorf("get report: %w", err)
	}
	if err := s.attachDeliveries(ctx, s.db, r); err != nil {
		return nil, fmt.Errorf("get report: %w", err)
	}
	return r, nil
}

// GetByExternalID finds a report by the service_request_id an external
// complaint API gave it.
func (s *Store) GetByExternalID(ctx context.Context, id string) (*api.Report, error) {
	id = clean(id)
	if id == "" {
		return nil, fmt.Errorf("get report by external id: %w", notFound(`""`))
	}
	r, err := s.getReport(ctx, s.db, "r.service_request_id = $1", id)
	if err != nil {
		return nil, fmt.Errorf("get report by external id: %w", err)
	}
	return r, nil
}

// getReport loads the one report matching where (a constant condition on
// reports r with its parameters; it may end in FOR UPDATE) and its timeline.
func (s *Store) getReport(ctx context.Context, q querier, where string, params ...any) (*api.Report, error) {
	r, err := scanReport(q.QueryRowContext(ctx, "SELECT "+selectReport+" FROM reports r WHERE "+where, params...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprint(params...))
	}
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	rows, err := q.QueryContext(ctx, "SELECT number, "+joinCols(eventCols)+
		" FROM report_events WHERE number = $1 ORDER BY seq", r.Number)
	if err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", r.Number, err)
	}
	defer rows.Close()
	r.Timeline = []api.Event{}
	for rows.Next() {
		var n string
		e, err := scanEvent(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("read timeline of %s: %w", r.Number, err)
		}
		r.Timeline = append(r.Timeline, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", r.Number, err)
	}
	return r, nil
}

// ByChat lists the newest reports filed from one chat (no Timeline).
func (s *Store) ByChat(ctx context.Context, channel, chatID string, limit int) ([]*api.Report, error) {
	if limit <= 0 || limit > api.MaxPageSize {
		limit = api.MaxPageSize
	}
	out, err := s.queryReports(ctx, "SELECT "+selectReport+
		" FROM reports r WHERE r.channel = $1 AND r.chat_id = $2 ORDER BY r.created_at DESC, r.number DESC LIMIT $3",
		clean(channel), clean(chatID), limit)
	if err != nil {
		return nil, fmt.Errorf("reports by chat: %w", err)
	}
	return out, nil
}

// OpenExternal pages through open reports filed with an external server,
// by number after afterNumber (keyset paging: no OFFSET to skip over).
func (s *Store) OpenExternal(ctx context.Context, afterNumber string, limit int) ([]*api.Report, error) {
	if limit <= 0 || limit > api.MaxPageSize {
		limit = api.MaxPageSize
	}
	// The condition is the partial index reports_external_open's predicate.
	out, err := s.queryReports(ctx, "SELECT "+selectReport+
		" FROM reports r WHERE r.external AND r.status IN ("+openStatuses+") AND r.number > $1"+
		" ORDER BY r.number LIMIT $2", clean(afterNumber), limit)
	if err != nil {
		return nil, fmt.Errorf("open external reports: %w", err)
	}
	return out, nil
}

// queryReports runs a SELECT of selectReport and collects the reports.
func (s *Store) queryReports(ctx context.Context, query string, params ...any) ([]*api.Report, error) {
	out := []*api.Report{}
	err := s.eachReport(ctx, query, params, func(r *api.Report) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// eachReport streams the reports a SELECT of selectReport returns to fn,
// one at a time.
func (s *Store) eachReport(ctx context.Context, query string, params []any, fn func(r *api.Report) error) error {
	rows, err := s.db.QueryContext(ctx, query, params...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
