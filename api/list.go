package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Sort orders of List.
const (
	SortNewest  = "newest"
	SortWaiting = "waiting" // longest waiting for an admin first
)

// Paging bounds of List (and Export's callers).
const (
	DefaultPageSize = 25
	MaxPageSize     = 200
	// MaxPage bounds the page number: past it, 400 (no panic, no huge OFFSET).
	MaxPage = 100_000
)

// Filter selects reports for the console. Zero values mean "any".
type Filter struct {
	Status    Status
	Category  string
	Agency    string
	Kecamatan string // exact, case-insensitive (stored lower case)
	Channel   string
	From, To  time.Time // creation time range, inclusive; zero = open
	// Query is a text search (case-insensitive substring) over title,
	// description and the citizen's additions. ParseSearch turns a search box
	// into Query, Number or Phone.
	Query  string
	Number string // exact tracking number (normalised: SDA-7KQ2MX)
	Phone  string // the reporter's phone, normalised (+628...)
	Sort   string // SortNewest (default) or SortWaiting
	Page   int    // 1-based; default 1
	Size   int    // default DefaultPageSize, at most MaxPageSize
}

// ListResult is one page of reports.
type ListResult struct {
	Items []*Report
	Total int            // matching reports, all pages
	Page  int            // the page returned
	Size  int            // the page size used
	Count map[Status]int // matching reports per status, ignoring Filter.Status
	// Capped: a text search matched more than TextSearchCountCap reports, so
	// Total and Count stop there ("1000+"): counting every match of a common
	// word costs more than the page itself, and no one pages that far.
	Capped bool
}

// TextSearchCountCap bounds how many matches of a text search are counted.
const TextSearchCountCap = 1000

// Normalize fills defaults and checks the bounds: ErrInvalid for a page
// beyond MaxPage or an unknown sort or status.
func (f Filter) Normalize() (Filter, error) {
	if f.Page == 0 {
		f.Page = 1
	}
	if f.Page < 1 || f.Page > MaxPage {
		return f, fmt.Errorf("page must be 1..%d: %w", MaxPage, ErrInvalid)
	}
	if f.Size <= 0 {
		f.Size = DefaultPageSize
	}
	f.Size = min(f.Size, MaxPageSize)
	switch f.Sort {
	case "":
		f.Sort = SortNewest
	case SortNewest, SortWaiting:
	default:
		return f, fmt.Errorf("sort %q: %w", f.Sort, ErrInvalid)
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, fmt.Errorf("status %q: %w", f.Status, ErrInvalid)
	}
	f.Kecamatan = lower(f.Kecamatan)
	return f, nil
}

// List returns the reports matching f: one indexed query for the page and one
// for the counts.
func (s *Service) List(ctx context.Context, f Filter) (*ListResult, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	res, err := s.store.List(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	return res, nil
}

// Export streams every report matching f (see ReportStore.Export).
func (s *Service) Export(ctx context.Context, f Filter, fn func(r *Report) error) error {
	f, err := f.Normalize()
	if err != nil {
		return err
	}
	if err := s.store.Export(ctx, f, fn); err != nil {
		return fmt.Errorf("export reports: %w", err)
	}
	return nil
}

// statsTTL is how long the dashboard's figures are shared: dozens of admins
// refreshing it cost one set of aggregate queries a minute, whatever the
// report count (Stats.AsOf says how fresh they are).
const statsTTL = time.Minute

// Stats returns the dashboard's aggregates, computed by the database and
// shared for statsTTL per scope and period (through Redis, so also across
// replicas). A cache that cannot be read or written is skipped, never fatal.
func (s *Service) Stats(ctx context.Context, q StatsQuery) (*Stats, error) {
	loc := "Asia/Jakarta"
	if q.Location != nil {
		loc = q.Location.String()
	}
	key := s.k.stats(shortHash(fmt.Sprint(q.Agency, "|", q.From.UnixMilli(), "|", q.To.UnixMilli(), "|",
		q.VerifyBefore.Unix()/60, "|", q.RespondBefore.Unix()/60, "|", loc)))
	if raw, err := s.rdb.Get(ctx, key).Bytes(); err == nil {
		var st Stats
		if json.Unmarshal(raw, &st) == nil {
			return &st, nil
		}
	}
	st, err := s.store.Stats(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("report stats: %w", err)
	}
	st.AsOf = s.now()
	if raw, err := json.Marshal(st); err == nil {
		if err := s.rdb.Set(ctx, key, raw, statsTTL).Err(); err != nil {
			s.log.Warn("report stats: cache", "err", err)
		}
	}
	return st, nil
}

// ParseSearch reads a console search box: a tracking number (any case, with
// or without the dash, e.g. "sda 7kq2mx") becomes Number, a phone number
// becomes Phone (normalised to +62...), anything else is a text Query.
func ParseSearch(q, trackingPrefix string) (query, number, phone string) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", "", ""
	}
	if n, ok := parseTrackingNumber(q, trackingPrefix); ok {
		return "", n, ""
	}
	if p, ok := NormalizePhone(q); ok {
		return "", "", p
	}
	return q, "", ""
}

// parseTrackingNumber accepts "SDA-7KQ2MX", "sda7kq2mx", "SDA 7KQ2MX".
func parseTrackingNumber(q, prefix string) (string, bool) {
	if prefix == "" {
		prefix = "ADU"
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(q) {
		switch {
		case r == '-' || r == ' ' || r == '_':
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	s := b.String()
	p := strings.ToUpper(prefix)
	if !strings.HasPrefix(s, p) || len(s) != len(p)+6 {
		return "", false
	}
	return p + "-" + s[len(p):], true
}

// NormalizePhone reads an Indonesian mobile number written 08xx, +628xx or
// 628xx, with spaces, dots or dashes, as +628xx; ok is false for anything
// else. The store keys reporters' phones with it, so a search finds them.
func NormalizePhone(q string) (string, bool) {
	var b strings.Builder
	for i, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '.':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "08"):
		d = "62" + d[1:]
	case strings.HasPrefix(d, "628"):
	default:
		return "", false
	}
	if len(d) < 10 || len(d) > 15 {
		return "", false
	}
	return "+" + d, true
}
