package api

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// PublicQuery selects reports for the public Open311 GET requests.
type PublicQuery struct {
	IDs         []string // service_request_id list; when set, other filters are ignored (per spec)
	ServiceCode string
	Status      string // "open" | "closed" | ""
	Start, End  time.Time
	Page        int // extension; 1-based
	PageSize    int // extension; default and cap 1000
}

// Open311 defaults: the last 90 days, at most 1000 requests.
const (
	publicDefaultWindow = 90 * 24 * time.Hour
	publicMaxPage       = 1000
)

// PublicRequests returns the public reports matching q, newest first.
// Rahasia reports are never returned.
func (s *Service) PublicRequests(ctx context.Context, q PublicQuery) ([]*Report, error) {
	if len(q.IDs) > 0 {
		var out []*Report
		for _, id := range q.IDs {
			r, err := s.PublicRequest(ctx, id)
			if HTTPStatus(err) == 404 {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	if q.PageSize <= 0 || q.PageSize > publicMaxPage {
		q.PageSize = publicMaxPage
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Start.IsZero() && q.End.IsZero() {
		q.Start = s.now().Add(-publicDefaultWindow)
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.End.Before(q.Start) {
		return nil, fmt.Errorf("end_date before start_date: %w", ErrInvalid)
	}
	numbers, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.k.idxAll(), ByScore: true, Start: scoreMin(q.Start), Stop: scoreMax(q.End),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("public requests: %w", err)
	}
	slices.Reverse(numbers)
	all, err := s.st.getMany(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("public requests: %w", err)
	}
	var out []*Report
	for _, r := range all {
		switch {
		case !r.Identity.Public(),
			q.ServiceCode != "" && r.Category != q.ServiceCode,
			q.Status != "" && r.Status.Open311Status() != q.Status:
			continue
		}
		out = append(out, r)
	}
	lo := min((q.Page-1)*q.PageSize, len(out))
	return out[lo:min(lo+q.PageSize, len(out))], nil
}

// PublicRequest returns one public report by service_request_id (the
// tracking number, or the id an external server gave it). A rahasia report
// is "not found", exactly like a missing one.
func (s *Service) PublicRequest(ctx context.Context, id string) (*Report, error) {
	r, err := s.st.get(ctx, NormalizeNumber(id))
	if HTTPStatus(err) == 404 {
		if n, ok := s.numberByExternalID(ctx, id); ok {
			r, err = s.st.get(ctx, n)
		}
	}
	notFound := fmt.Errorf("service_request_id %s: %w", id, ErrNotFound) // same for rahasia and missing
	if HTTPStatus(err) == 404 {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !r.Identity.Public() {
		return nil, notFound
	}
	return r, nil
}

// numberByExternalID maps an external service_request_id to a number.
func (s *Service) numberByExternalID(ctx context.Context, id string) (string, bool) {
	n, err := s.rdb.HGet(ctx, s.k.extID(), id).Result()
	return n, err == nil && n != ""
}
