package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/aduan-id/aduan/api"
)

// additionKinds is the SQL list of the event kinds whose text is the
// citizen's additions (constants, not input).
var additionKinds = "'" + string(api.EventAddition) + "', '" + string(api.EventAnswer) + "'"

// List is one page of the console's inbox: one GROUP BY query counts the
// matching reports per status (ignoring f.Status), which gives Total too,
// and one query reads the page. f is normalised by the caller
// (api.Filter.Normalize).
func (s *Store) List(ctx context.Context, f api.Filter) (*api.ListResult, error) {
	f = pageDefaults(f)
	res := &api.ListResult{Page: f.Page, Size: f.Size, Count: map[api.Status]int{}, Items: []*api.Report{}}

	var ca args
	where := s.filterWhere(f, &ca, false)
	countQ := "SELECT r.status, COUNT(*) FROM reports r" + where + " GROUP BY " + s.groupKey("r.status")
	capped := clean(f.Query) != ""
	if capped {
		// A text search counts at most TextSearchCountCap+1 matches: the
		// trigram index is lossy, and rechecking every match of a common word
		// cost more than the page (63-127 ms at 100,000 reports).
		countQ = "SELECT t.status, COUNT(*) FROM (SELECT r.status FROM reports r" + where +
			" LIMIT " + ca.add(api.TextSearchCountCap+1) + ") t GROUP BY " + s.groupKey("t.status")
	}
	rows, err := s.db.QueryContext(ctx, countQ, ca...)
	if err != nil {
		return nil, fmt.Errorf("count reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st api.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count reports: %w", err)
		}
		res.Count[st] = n
		if f.Status == "" || st == f.Status {
			res.Total += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count reports: %w", err)
	}
	rows.Close()
	if capped {
		all := 0
		for _, n := range res.Count {
			all += n
		}
		res.Capped = all > api.TextSearchCountCap
	}

	offset := (f.Page - 1) * f.Size
	if offset >= res.Total {
		return res, nil // past the end: no query needed
	}
	// A text search SQLite cannot index: walking the sort's index reads a row
	// for each entry until a page has matched, which for a rare term is the
	// whole table in random order; reading the table once and sorting the
	// matches is cheaper whenever fewer than a few pages' worth match (a
	// random row read costs a few sequential ones).
	scan := s.dialect == DialectSQLite && clean(f.Query) != "" && res.Total < 4*(offset+f.Size)
	var a args
	q := "SELECT " + selectReport + " FROM reports r" + s.filterWhere(f, &a, true) + s.orderBy(f.Sort, scan)
	q += " LIMIT " + a.add(f.Size) + " OFFSET " + a.add(offset)
	res.Items, err = s.queryReports(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	return res, nil
}

// Export calls fn for every report matching f (its paging ignored) in f's
// order, streaming from the open result set. Additions holds the text of the
// citizen's additions and answers, joined by newlines (a correlated
// string_agg: an aggregate both dialects have, SQLite since 3.44).
func (s *Store) Export(ctx context.Context, f api.Filter, fn func(r *api.Report) error) error {
	var a args
	sep := a.add("\n")
	q := "SELECT " + selectReport + ", (SELECT string_agg(e.text, " + sep + " ORDER BY e.seq)" +
		" FROM report_events e WHERE e.number = r.number AND e.kind IN (" + additionKinds + ") AND e.text <> '')" +
		" FROM reports r" + s.filterWhere(f, &a, true) + s.orderBy(f.Sort, s.dialect == DialectSQLite && clean(f.Query) != "")
	rows, err := s.db.QueryContext(ctx, q, a...)
	if err != nil {
		return fmt.Errorf("export reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var additions sql.NullString
		r, err := scanReport(rows, &additions)
		if err != nil {
			return fmt.Errorf("export reports: %w", err)
		}
		r.Additions = additions.String
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export reports: %w", err)
	}
	return nil
}

// pageDefaults guards against a caller that skipped Normalize.
func pageDefaults(f api.Filter) api.Filter {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Size <= 0 {
		f.Size = api.DefaultPageSize
	}
	f.Size = min(f.Size, api.MaxPageSize)
	return f
}

// filterWhere is the WHERE clause of f's filters on reports r (" WHERE ..."
// or ""), with Status only when withStatus. Values go to a.
func (s *Store) filterWhere(f api.Filter, a *args, withStatus bool) string {
	var c []string
	eq := func(col, v string) {
		if v = clean(v); v != "" {
			c = append(c, col+" = "+a.add(v))
		}
	}
	if withStatus {
		eq("r.status", string(f.Status))
	}
	eq("r.category", f.Category)
	eq("r.agency", f.Agency)
	eq("r.kecamatan_key", key(f.Kecamatan))
	eq("r.channel", f.Channel)
	eq("r.number", f.Number)
	if f.Phone != "" {
		eq("r.phone_key", phoneKey(f.Phone))
	}
	if !f.From.IsZero() {
		c = append(c, "r.created_at >= "+a.add(s.t(f.From)))
	}
	if !f.To.IsZero() {
		c = append(c, "r.created_at <= "+a.add(s.t(f.To)))
	}
	if clean(f.Query) != "" {
		c = append(c, "r.search LIKE "+a.add(likePattern(f.Query))+` ESCAPE '\'`)
	}
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// orderBy is the ORDER BY of a sort: newest first, or waiting reports by
// how long they have waited, then the rest oldest first. With scan (SQLite
// only), the leading key is an expression (+col) that no index orders, so
// SQLite reads the table and sorts the matches instead of walking an index.
func (s *Store) orderBy(sort string, scan bool) string {
	p := ""
	if scan && s.dialect == DialectSQLite {
		p = "+"
	}
	if sort == api.SortWaiting {
		return " ORDER BY " + p + "r.waiting_since ASC NULLS LAST, r.created_at ASC, r.number ASC"
	}
	return " ORDER BY " + p + "r.created_at DESC, r.number DESC"
}
