package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/flows"
)

func TestCreateAndGet(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		in := report("SDA-AAAAAA", func(r *api.Report) {
			r.Photos = []flows.Photo{{Ref: "tg:abc", ContentType: "image/jpeg", Size: 1234}}
			r.Location.Lat, r.Location.Lon = -7.4, 112.7
			r.IncidentDate = "2026-03-01"
			r.WaitingSince = t0.Add(time.Minute)
			r.ServiceRequestID = "EXT-1"
			r.External = true
			r.ForwardedAt = t0.Add(2 * time.Minute)
			r.ExternalStatus = "open"
			r.ExternalNotes = "diterima"
			r.Rating, r.RatingComment = 4, "cepat"
			r.FirstResponseAt = t0.Add(time.Hour)
			r.StatusNote = "dicek"
			r.Timeline = append(r.Timeline, api.Event{
				ID: "e2", Kind: api.EventStatus, Actor: "admin", At: t0.Add(time.Hour), Text: "dicek",
				From: api.StatusReceived, Status: api.StatusVerified, Agency: "X",
				Photos: []flows.Photo{{Ref: "p2"}}, Rating: 0,
			})
		})
		created, err := s.Create(ctx, in, []api.Effect{{ID: "fx1", Kind: api.EffectForward, Payload: []byte(`{"number":"SDA-AAAAAA"}`)}})
		if err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		got := get(t, s, in.Number)
		if !reflect.DeepEqual(got, in) {
			t.Errorf("read back differs:\n got %+v\nwant %+v", got, in)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("times not UTC: %v", got.CreatedAt.Location())
		}
		byExt, err := s.GetByExternalID(ctx, "EXT-1")
		if err != nil || byExt.Number != in.Number || len(byExt.Timeline) != 2 {
			t.Errorf("GetByExternalID = %v, %v", byExt, err)
		}
		es, err := s.Outbox(ctx, 10)
		if err != nil || len(es) != 1 || es[0].ID != "fx1" || es[0].Number != in.Number || string(es[0].Payload) != `{"number":"SDA-AAAAAA"}` {
			t.Errorf("outbox = %+v, %v", es, err)
		}

		// A redelivered create writes nothing: not the report, not its
		// events, not its effects.
		dup := report(in.Number, func(r *api.Report) { r.Title = "other" })
		created, err = s.Create(ctx, dup, []api.Effect{{ID: "fx2", Kind: api.EffectForward}})
		if err != nil || created {
			t.Fatalf("duplicate create: created=%v err=%v", created, err)
		}
		if got := get(t, s, in.Number); got.Title != in.Title || len(got.Timeline) != 2 {
			t.Errorf("duplicate create changed the report: %+v", got)
		}
		if n := outboxLen(t, s); n != 1 {
			t.Errorf("outbox has %d rows after a duplicate create, want 1", n)
		}
	})
}

func TestGetNotFound(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.Get(ctx, "SDA-NOPE00"); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("Get missing: %v", err)
		}
		if _, err := s.GetByExternalID(ctx, "x"); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("GetByExternalID missing: %v", err)
		}
		if _, err := s.GetByExternalID(ctx, ""); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("GetByExternalID empty: %v", err)
		}
		if _, err := s.Update(ctx, "SDA-NOPE00", appendEvent(api.Event{Kind: api.EventReply})); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("Update missing: %v", err)
		}
	})
}

func TestExternalIDUnique(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-A00001", func(r *api.Report) { r.ServiceRequestID = "X1" }), report("SDA-A00002"), report("SDA-A00003"))
		_, err := s.Create(ctx, report("SDA-A00004", func(r *api.Report) { r.ServiceRequestID = "X1" }), nil)
		if !errors.Is(err, api.ErrConflict) {
			t.Errorf("create with a taken external id: %v", err)
		}
		_, err = s.Update(ctx, "SDA-A00002", func(r *api.Report) ([]api.Effect, error) {
			r.ServiceRequestID = "X1"
			return nil, nil
		})
		if !errors.Is(err, api.ErrConflict) {
			t.Errorf("update to a taken external id: %v", err)
		}
		if got := get(t, s, "SDA-A00002"); got.ServiceRequestID != "" {
			t.Errorf("failed update was written: %q", got.ServiceRequestID)
		}
	})
}

func TestCreateIdempotent(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		n, err := s.CreateIdempotent(ctx, "key-1", report("SDA-ID0001"), []api.Effect{{ID: "f1", Kind: api.EffectForward}})
		if err != nil || n != "SDA-ID0001" {
			t.Fatalf("first: %q %v", n, err)
		}
		// Same key, another report: the first number, nothing written.
		n, err = s.CreateIdempotent(ctx, "key-1", report("SDA-ID0002"), []api.Effect{{ID: "f2", Kind: api.EffectForward}})
		if err != nil || n != "SDA-ID0001" {
			t.Fatalf("replay: %q %v", n, err)
		}
		if _, err := s.Get(ctx, "SDA-ID0002"); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("replayed key created a report: %v", err)
		}
		if got := outboxLen(t, s); got != 1 {
			t.Errorf("outbox has %d rows, want 1", got)
		}
		if _, err := s.CreateIdempotent(ctx, "", report("SDA-ID0003"), nil); !errors.Is(err, api.ErrInvalid) {
			t.Errorf("empty key: %v", err)
		}
	})
}

func TestCreateIdempotentConcurrentTwins(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		const twins = 8
		var wg sync.WaitGroup
		got := make([]string, twins)
		errs := make([]error, twins)
		for i := range twins {
			wg.Go(func() {
				got[i], errs[i] = s.CreateIdempotent(ctx, "twin-key", report(fmt.Sprintf("SDA-TW000%d", i)),
					[]api.Effect{{ID: fmt.Sprintf("fx-%d", i), Kind: api.EffectForward}})
			})
		}
		wg.Wait()
		for i := range twins {
			if errs[i] != nil {
				t.Fatalf("twin %d: %v", i, errs[i])
			}
			if got[i] != got[0] {
				t.Errorf("twins got different numbers: %v", got)
			}
		}
		res, err := s.List(ctx, api.Filter{Page: 1, Size: 50})
		if err != nil || res.Total != 1 || res.Items[0].Number != got[0] {
			t.Errorf("reports after twins: %+v %v", res, err)
		}
		if n := outboxLen(t, s); n != 1 {
			t.Errorf("outbox has %d rows, want 1", n)
		}
	})
}
