package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aduan-id/aduan/api"
)

// publicMaxPage is Open311's default and cap of a page.
const publicMaxPage = 1000

// Public is one page of the public Open311 list: never a rahasia report (the
// stored identity is normalised, so "not public or anonim" is rahasia),
// newest first. With IDs, only the reports they name (by number or by an
// external server's id) and no other filter, per the spec; with IDs and a
// Filer, also the rahasia reports that filer filed. A second query reads the
// page's admin replies, its only timeline.
func (s *Store) Public(ctx context.Context, q api.PublicQuery) ([]*api.Report, error) {
	var a args
	c := []string{"r.identity IN (" + publicIdentities + ")"}
	limit, offset := q.PageSize, 0
	if limit <= 0 || limit > publicMaxPage {
		limit = publicMaxPage
	}
	if len(q.IDs) > 0 {
		ids := make([]string, len(q.IDs))
		numbers := make([]string, len(q.IDs))
		for i, id := range q.IDs {
			ids[i] = clean(strings.TrimSpace(id))
			numbers[i] = api.NormalizeNumber(ids[i])
		}
		c = append(c, "(r.number IN ("+a.list(numbers)+") OR r.service_request_id IN ("+a.list(ids)+"))")
		if f := clean(q.Filer); f != "" {
			c[0] = "(" + c[0] + " OR r.filer = " + a.add(f) + ")"
		}
		limit = min(limit, len(q.IDs))
	} else {
		if q.Page > 1 {
			offset = (min(q.Page, api.MaxPage) - 1) * limit
		}
		var codes []string
		for _, v := range append([]string{q.ServiceCode}, q.ServiceCodes...) {
			if v = clean(v); v != "" && !slices.Contains(codes, v) {
				codes = append(codes, v)
			}
		}
		if len(codes) > 0 {
			c = append(c, "r.category IN ("+a.list(codes)+")")
		}
		switch q.Status {
		case "open":
			c = append(c, "r.status IN ("+openStatuses+")")
		case "closed":
			c = append(c, "r.status NOT IN ("+openStatuses+")")
		}
		if !q.Start.IsZero() {
			c = append(c, "r.created_at >= "+a.add(s.t(q.Start)))
		}
		if !q.End.IsZero() {
			c = append(c, "r.created_at <= "+a.add(s.t(q.End)))
		}
	}
	// The page's numbers first, then their rows: skipping OFFSET rows is
	// then an index-only scan of reports_public, not a read of every skipped
	// row (the public list is paged deep by crawlers).
	order := " ORDER BY r.created_at DESC, r.number DESC"
	query := "SELECT " + selectReport + " FROM reports r JOIN (SELECT r.number FROM reports r WHERE " +
		strings.Join(c, " AND ") + order + " LIMIT " + a.add(limit) + " OFFSET " + a.add(offset) +
		") p ON p.number = r.number" + order
	out, err := s.queryReports(ctx, query, a...)
	if err != nil {
		return nil, fmt.Errorf("public reports: %w", err)
	}
	if err := s.fillReplies(ctx, out); err != nil {
		return nil, fmt.Errorf("public reports: %w", err)
	}
	return out, nil
}

// fillReplies sets each report's Timeline to its admins' replies, oldest
// first, in one query for all of them.
func (s *Store) fillReplies(ctx context.Context, rs []*api.Report) error {
	if len(rs) == 0 {
		return nil
	}
	byNumber := make(map[string]*api.Report, len(rs))
	numbers := make([]string, len(rs))
	for i, r := range rs {
		r.Timeline = []api.Event{}
		byNumber[r.Number] = r
		numbers[i] = r.Number
	}
	var a args
	rows, err := s.db.QueryContext(ctx, "SELECT number, "+joinCols(eventCols)+" FROM report_events"+
		" WHERE kind = '"+string(api.EventReply)+"' AND number IN ("+a.list(numbers)+") ORDER BY seq", a...)
	if err != nil {
		return fmt.Errorf("read replies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		e, err := scanEvent(rows, &n)
		if err != nil {
			return fmt.Errorf("read replies: %w", err)
		}
		if r := byNumber[n]; r != nil {
			r.Timeline = append(r.Timeline, e)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read replies: %w", err)
	}
	return nil
}
