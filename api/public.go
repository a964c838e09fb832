package api

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PublicQuery selects reports for the public Open311 GET requests.
type PublicQuery struct {
	IDs         []string // service_request_id list; when set, other filters are ignored (per spec)
	ServiceCode string
	// ServiceCodes are more codes (an Open311 comma list): a report of any
	// of them, or of ServiceCode, matches.
	ServiceCodes []string
	Status       string // "open" | "closed" | ""
	Start, End   time.Time
	Page         int // extension; 1-based
	PageSize     int // extension; default and cap 1000
	// Filer, with IDs, also returns the rahasia reports that filer (the hash
	// of an api_key, Report.Filer) filed itself.
	Filer string
}

// Open311 defaults: the last 90 days, at most 1000 requests.
const (
	publicDefaultWindow = 90 * 24 * time.Hour
	publicMaxPage       = 1000
	publicMaxWindow     = 366 * 24 * time.Hour
)

// PublicRequests returns the public reports matching q, newest first.
// Rahasia reports are never returned.
func (s *Service) PublicRequests(ctx context.Context, q PublicQuery) ([]*Report, error) {
	if len(q.IDs) > 0 {
		// Per the spec, a list of ids ignores the other filters.
		out, err := s.store.Public(ctx, PublicQuery{IDs: q.IDs, Filer: q.Filer, Page: 1, PageSize: publicMaxPage})
		if err != nil {
			return nil, fmt.Errorf("public requests: %w", err)
		}
		return out, nil
	}
	if q.PageSize <= 0 || q.PageSize > publicMaxPage {
		q.PageSize = publicMaxPage
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.Page > MaxPage {
		return nil, fmt.Errorf("page must be 1..%d: %w", MaxPage, ErrInvalid)
	}
	if len(q.ServiceCodes) > 0 || q.ServiceCode != "" {
		// Only codes of the catalogue can match; none known, nothing does.
		var known []string
		for _, c := range append([]string{q.ServiceCode}, q.ServiceCodes...) {
			if _, ok := s.catalog.Service(c); ok {
				known = append(known, c)
			}
		}
		if len(known) == 0 {
			return []*Report{}, nil
		}
		q.ServiceCode, q.ServiceCodes = "", known
	}
	if q.Start.IsZero() && q.End.IsZero() {
		q.Start = s.now().Add(-publicDefaultWindow)
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.End.Before(q.Start) {
		return nil, fmt.Errorf("end_date before start_date: %w", ErrInvalid)
	}
	// The window is capped so that no public query scans years of records.
	if q.Start.IsZero() {
		q.Start = q.End.Add(-publicMaxWindow)
	}
	if q.End.IsZero() {
		q.End = s.now()
	}
	if q.End.Sub(q.Start) > publicMaxWindow {
		return nil, fmt.Errorf("start_date to end_date spans more than %d days: %w", int(publicMaxWindow.Hours()/24), ErrInvalid)
	}
	out, err := s.store.Public(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("public requests: %w", err)
	}
	return out, nil
}

// PublicRequest returns one public report by service_request_id (the
// tracking number, or the id an external server gave it). A rahasia report
// is "not found", exactly like a missing one.
func (s *Service) PublicRequest(ctx context.Context, id string) (*Report, error) {
	return s.PublicRequestFor(ctx, id, "")
}

// PublicRequestFor is PublicRequest for a caller that may have filed the
// report: filer (Report.Filer, the hash of its api_key; "" for anyone) also
// reads back a rahasia report it filed itself.
func (s *Service) PublicRequestFor(ctx context.Context, id, filer string) (*Report, error) {
	r, err := s.byAnyID(ctx, id)
	notFound := fmt.Errorf("service_request_id %s: %w", id, ErrNotFound) // same for rahasia and missing
	if HTTPStatus(err) == 404 {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !r.Identity.Public() && (filer == "" || r.Filer != filer) {
		return nil, notFound
	}
	return r, nil
}

// byAnyID finds a report by tracking number or by an external server's id.
func (s *Service) byAnyID(ctx context.Context, id string) (*Report, error) {
	r, err := s.store.Get(ctx, NormalizeNumber(id))
	if HTTPStatus(err) == 404 && strings.TrimSpace(id) != "" {
		r, err = s.store.GetByExternalID(ctx, strings.TrimSpace(id))
	}
	return r, err
}
