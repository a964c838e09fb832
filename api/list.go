package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sort orders of List.
const (
	SortNewest  = "newest"
	SortWaiting = "waiting" // longest waiting for an admin first
)

// Filter selects reports for the console. Zero values mean "any".
type Filter struct {
	Status    Status
	Category  string
	Agency    string
	Kecamatan string
	Channel   string
	From, To  time.Time // creation time range; zero = open
	Query     string    // text search in title and description
	Sort      string    // SortNewest (default) or SortWaiting
	Page      int       // 1-based; default 1
	Size      int       // default 25, at most 200
}

// ListResult is one page of reports.
type ListResult struct {
	Items []*Report
	Total int            // matching reports, all pages
	Page  int            // the page returned
	Size  int            // the page size used
	Count map[Status]int // matching reports per status, ignoring Filter.Status
}

// List returns the reports matching f. It reads the smallest index that
// applies (agency, or all) in the creation range and filters the documents:
// fine for a regency's volume (tens of thousands of reports).
func (s *Service) List(ctx context.Context, f Filter) (*ListResult, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Size < 1 {
		f.Size = 25
	}
	f.Size = min(f.Size, 200)
	idx := s.k.idxAll()
	if f.Agency != "" {
		idx = s.k.idxAgency(f.Agency)
	}
	numbers, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: idx, ByScore: true, Start: scoreMin(f.From), Stop: scoreMax(f.To),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	all, err := s.st.getMany(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	res := &ListResult{Page: f.Page, Size: f.Size, Count: map[Status]int{}}
	var items []*Report
	for _, r := range all {
		if !f.matchesExceptStatus(r) {
			continue
		}
		res.Count[r.Status]++
		if f.Status == "" || r.Status == f.Status {
			items = append(items, r)
		}
	}
	sortReports(items, f.Sort)
	res.Total = len(items)
	lo := min((f.Page-1)*f.Size, len(items))
	hi := min(lo+f.Size, len(items))
	res.Items = items[lo:hi]
	return res, nil
}

func (f Filter) matchesExceptStatus(r *Report) bool {
	switch {
	case f.Category != "" && r.Category != f.Category,
		f.Agency != "" && r.Agency != f.Agency,
		f.Kecamatan != "" && lower(r.Location.Kecamatan) != lower(f.Kecamatan),
		f.Channel != "" && r.Channel != f.Channel,
		f.Query != "" && !r.matches(f.Query):
		return false
	}
	return true
}

func sortReports(items []*Report, order string) {
	if order == SortWaiting {
		slices.SortStableFunc(items, func(a, b *Report) int {
			aw, bw := a.WaitingSince.IsZero(), b.WaitingSince.IsZero()
			switch {
			case aw != bw && aw:
				return 1
			case aw != bw:
				return -1
			case !aw:
				return a.WaitingSince.Compare(b.WaitingSince)
			}
			return a.CreatedAt.Compare(b.CreatedAt)
		})
		return
	}
	slices.SortStableFunc(items, func(a, b *Report) int { return b.CreatedAt.Compare(a.CreatedAt) })
}

func scoreMin(t time.Time) string {
	if t.IsZero() {
		return "-inf"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func scoreMax(t time.Time) string {
	if t.IsZero() {
		return "+inf"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}
