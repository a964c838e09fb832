package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
)

// openAnswerable is the SQL list of open statuses past "received": the
// reports an admin owes the citizen an answer on.
var openAnswerable = func() string {
	var qs []string
	for _, s := range api.Statuses {
		if s.Open() && s != api.StatusReceived {
			qs = append(qs, "'"+string(s)+"'")
		}
	}
	return strings.Join(qs, ", ")
}()

// Stats are the dashboard's aggregates, all computed by the database with
// GROUP BY over the scope (agency, creation range): one query per status
// (with the responded and overdue counts), one each for the category,
// agency, kecamatan and day counts, one for the median response time. They
// are separate statements, not one snapshot: a report filed meanwhile may
// show in one count and not another, which a dashboard can live with.
func (s *Store) Stats(ctx context.Context, q api.StatsQuery) (*api.Stats, error) {
	st := &api.Stats{
		ByStatus: map[api.Status]int{}, ByCategory: map[string]int{},
		ByKecamatan: map[string]int{}, ByAgency: map[string]int{}, PerDay: []api.DayCount{},
	}
	var a args
	where := s.statsWhere(q, &a)
	a = slices.Clip(a) // each query below appends its own parameters to a copy
	if err := s.statusCounts(ctx, q, where, a, st); err != nil {
		return nil, fmt.Errorf("report stats: %w", err)
	}
	if st.Total == 0 {
		return st, nil
	}
	sameZone := q.Location == nil || q.Location.String() == s.loc.String()
	if err := s.groupCounts(ctx, where, a, sameZone, st); err != nil {
		return nil, fmt.Errorf("report stats: %w", err)
	}
	if !sameZone {
		if err := s.perDayIn(ctx, q.Location, where, a, st); err != nil {
			return nil, fmt.Errorf("report stats: %w", err)
		}
	}
	if err := s.medianResponse(ctx, where, a, st); err != nil {
		return nil, fmt.Errorf("report stats: %w", err)
	}
	return st, nil
}

// statsWhere is the scope of q on reports r (" WHERE ..." or "").
func (s *Store) statsWhere(q api.StatsQuery, a *args) string {
	var c []string
	if v := clean(q.Agency); v != "" {
		c = append(c, "r.agency = "+a.add(v))
	}
	if !q.From.IsZero() {
		c = append(c, "r.created_at >= "+a.add(s.t(q.From)))
	}
	if !q.To.IsZero() {
		c = append(c, "r.created_at <= "+a.add(s.t(q.To)))
	}
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// statusCounts fills ByStatus, Total, Open, Responded and Overdue.
func (s *Store) statusCounts(ctx context.Context, q api.StatsQuery, where string, a args, st *api.Stats) error {
	// Overdue, per the StatsQuery cut-offs; a zero cut-off means "no overdue
	// of that kind".
	var overdue []string
	if !q.VerifyBefore.IsZero() {
		overdue = append(overdue, "(r.status = '"+string(api.StatusReceived)+"' AND r.created_at < "+a.add(s.t(q.VerifyBefore))+")")
	}
	if !q.RespondBefore.IsZero() {
		cut := a.add(s.t(q.RespondBefore))
		overdue = append(overdue,
			"(r.status IN ("+openAnswerable+") AND r.first_response_at IS NULL AND r.created_at < "+cut+")",
			"(r.status IN ("+openAnswerable+") AND r.first_response_at IS NOT NULL AND r.waiting_since IS NOT NULL AND r.waiting_since < "+cut+")")
	}
	overdueSum := "0"
	if len(overdue) > 0 {
		overdueSum = "SUM(CASE WHEN " + strings.Join(overdue, " OR ") + " THEN 1 ELSE 0 END)"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT r.status, COUNT(*), COUNT(r.first_response_at), "+overdueSum+
		" FROM reports r"+where+" GROUP BY "+s.groupKey("r.status"), a...)
	if err != nil {
		return fmt.Errorf("count by status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status api.Status
		var n, responded, late int
		if err := rows.Scan(&status, &n, &responded, &late); err != nil {
			return fmt.Errorf("count by status: %w", err)
		}
		st.ByStatus[status] = n
		st.Total += n
		if status.Open() {
			st.Open += n
		}
		st.Responded += responded
		st.Overdue += late
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count by status: %w", err)
	}
	return nil
}

// groupCounts fills ByCategory, ByAgency, ByKecamatan (keyed by the first
// spelling of each lower-cased kecamatan) and, when the zone is the store's,
// PerDay from created_day: one small GROUP BY each. (As one UNION ALL,
// PostgreSQL plans a parallel append whose workers take longer to start than
// the four index-only scans of a month take to run.)
func (s *Store) groupCounts(ctx context.Context, where string, a args, withDays bool, st *api.Stats) error {
	type dim struct {
		key, group string // the reported key and the grouping column
		add        func(k string, n int)
	}
	dims := []dim{
		{"r.category", "r.category", func(k string, n int) { st.ByCategory[k] = n }},
		{"r.agency", "r.agency", func(k string, n int) { st.ByAgency[k] = n }},
		{"MIN(r.kecamatan)", "r.kecamatan_key", func(k string, n int) { st.ByKecamatan[k] += n }},
	}
	if withDays {
		dims = append(dims, dim{"r.created_day", "r.created_day", func(k string, n int) {
			st.PerDay = append(st.PerDay, api.DayCount{Day: k, N: n})
		}})
	}
	for _, d := range dims {
		if err := s.countBy(ctx, "SELECT "+d.key+", COUNT(*) FROM reports r"+where+" GROUP BY "+d.group, a, d.add); err != nil {
			return err
		}
	}
	slices.SortFunc(st.PerDay, func(x, y api.DayCount) int { return strings.Compare(x.Day, y.Day) })
	return nil
}

// countBy runs a query of (key, count) rows and hands each to add.
func (s *Store) countBy(ctx context.Context, query string, a args, add func(k string, n int)) error {
	rows, err := s.db.QueryContext(ctx, query, a...)
	if err != nil {
		return fmt.Errorf("count by group: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return fmt.Errorf("count by group: %w", err)
		}
		add(k, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count by group: %w", err)
	}
	return nil
}

// quarterHour is the bucket of perDayIn: every time zone's offset is a
// multiple of 15 minutes, so no bucket straddles two days in any zone.
const quarterHour = 15 * time.Minute

// perDayIn fills PerDay for a zone other than the store's (created_day is in
// the store's): the database counts per quarter hour, the days are summed
// here from at most 96 buckets a day.
func (s *Store) perDayIn(ctx context.Context, loc *time.Location, where string, a args, st *api.Stats) error {
	bucket := "r.created_at / 900000000" // integer microseconds
	if s.dialect == DialectPostgres {
		bucket = "CAST(floor(extract(epoch FROM r.created_at) / 900) AS bigint)"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+bucket+" AS b, COUNT(*) FROM reports r"+where+
		" GROUP BY b ORDER BY b", a...)
	if err != nil {
		return fmt.Errorf("count per day: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b int64
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			return fmt.Errorf("count per day: %w", err)
		}
		day := time.Unix(b*int64(quarterHour/time.Second), 0).In(loc).Format("2006-01-02")
		if k := len(st.PerDay); k > 0 && st.PerDay[k-1].Day == day {
			st.PerDay[k-1].N += n
		} else {
			st.PerDay = append(st.PerDay, api.DayCount{Day: day, N: n})
		}
	}
	return rows.Err()
}

// medianResponse is the median of first_response_at - created_at over the
// responded reports: counted already, so the middle one or two rows are read
// with LIMIT/OFFSET (portable; PostgreSQL's percentile_cont is not SQLite's).
func (s *Store) medianResponse(ctx context.Context, where string, a args, st *api.Stats) error {
	n := st.Responded
	if n == 0 {
		return nil
	}
	cond := " WHERE r.response_ms IS NOT NULL"
	if where != "" {
		cond = where + " AND r.response_ms IS NOT NULL"
	}
	limit, offset := 1, (n-1)/2
	if n%2 == 0 {
		limit = 2
	}
	rows, err := s.db.QueryContext(ctx, "SELECT r.response_ms FROM reports r"+cond+
		" ORDER BY r.response_ms LIMIT "+a.add(limit)+" OFFSET "+a.add(offset), a...)
	if err != nil {
		return fmt.Errorf("median response: %w", err)
	}
	defer rows.Close()
	var sum, k int64
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			return fmt.Errorf("median response: %w", err)
		}
		sum += ms
		k++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("median response: %w", err)
	}
	if k > 0 {
		st.MedianResponse = time.Duration(sum/k) * time.Millisecond
	}
	return nil
}
