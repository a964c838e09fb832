package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

func TestUpdate(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-UP0001"))
		before := time.Now().UTC().Add(-time.Second)
		out, err := s.Update(ctx, "SDA-UP0001", func(r *api.Report) ([]api.Effect, error) {
			if len(r.Timeline) != 1 {
				t.Errorf("fn got %d events, want the whole timeline (1)", len(r.Timeline))
			}
			r.Status = api.StatusVerified
			r.StatusNote = "sudah dicek"
			r.FirstResponseAt = t0.Add(90 * time.Minute)
			r.Timeline = append(r.Timeline,
				api.Event{ID: "st1", Kind: api.EventStatus, Actor: "admin", At: t0.Add(90 * time.Minute), From: api.StatusReceived, Status: api.StatusVerified, Text: "sudah dicek"},
				api.Event{ID: "add1", Kind: api.EventAddition, Actor: api.ActorCitizen, At: t0.Add(2 * time.Hour), Text: "Ada KABEL putus juga"},
			)
			return []api.Effect{{ID: "n1", Kind: api.EffectNotice, Payload: []byte(`{}`)}, {ID: "w1", Kind: api.EffectWebhook}}, nil
		})
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		if out.UpdatedAt.Before(before) || out.Status != api.StatusVerified || len(out.Timeline) != 3 {
			t.Errorf("update returned %+v", out)
		}
		got := get(t, s, "SDA-UP0001")
		if got.Status != api.StatusVerified || got.StatusNote != "sudah dicek" || !got.UpdatedAt.Equal(out.UpdatedAt) ||
			!got.FirstResponseAt.Equal(t0.Add(90*time.Minute)) {
			t.Errorf("stored %+v", got)
		}
		if len(got.Timeline) != 3 || got.Timeline[1].ID != "st1" || got.Timeline[2].ID != "add1" || got.Timeline[1].From != api.StatusReceived {
			t.Errorf("timeline %+v", got.Timeline)
		}
		es, _ := s.Outbox(ctx, 10)
		if len(es) != 2 || es[0].ID != "n1" || es[1].ID != "w1" || es[1].Number != "SDA-UP0001" {
			t.Errorf("outbox %+v", es)
		}
		// The citizen's addition is searchable at once.
		res, err := s.List(ctx, api.Filter{Query: "kabel putus", Page: 1, Size: 10})
		if err != nil || res.Total != 1 {
			t.Errorf("search for the addition: %+v %v", res, err)
		}
	})
}

func TestUpdateNoChange(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-NC0001"))
		stored := get(t, s, "SDA-NC0001")
		out, err := s.Update(ctx, "SDA-NC0001", func(r *api.Report) ([]api.Effect, error) {
			r.Title = "changed, then given up"
			r.Timeline = append(r.Timeline, api.Event{ID: "x", Kind: api.EventReply})
			return []api.Effect{{ID: "nc", Kind: api.EffectNotice}}, fmt.Errorf("already done: %w", api.ErrNoChange)
		})
		if err != nil {
			t.Fatalf("ErrNoChange must end with nil: %v", err)
		}
		if out.Title != stored.Title || len(out.Timeline) != 1 || !out.UpdatedAt.Equal(stored.UpdatedAt) {
			t.Errorf("ErrNoChange must return the report as loaded: %+v", out)
		}
		got := get(t, s, "SDA-NC0001")
		if got.Title != stored.Title || len(got.Timeline) != 1 || !got.UpdatedAt.Equal(stored.UpdatedAt) {
			t.Errorf("ErrNoChange wrote: %+v", got)
		}
		if n := outboxLen(t, s); n != 0 {
			t.Errorf("ErrNoChange queued %d effects", n)
		}
	})
}

func TestUpdateFailingFnWritesNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-FA0001"))
		boom := errors.New("boom")
		_, err := s.Update(ctx, "SDA-FA0001", func(r *api.Report) ([]api.Effect, error) {
			r.Status = api.StatusRejected
			r.Timeline = append(r.Timeline, api.Event{ID: "x", Kind: api.EventStatus})
			return []api.Effect{{ID: "fx", Kind: api.EffectNotice}}, fmt.Errorf("handler: %w", boom)
		})
		if !errors.Is(err, boom) {
			t.Fatalf("fn's error must come back (errors.Is): %v", err)
		}
		// The domain's own errors keep their meaning too.
		_, err = s.Update(ctx, "SDA-FA0001", func(r *api.Report) ([]api.Effect, error) {
			return nil, fmt.Errorf("closed: %w", api.ErrConflict)
		})
		if !errors.Is(err, api.ErrConflict) {
			t.Errorf("ErrConflict lost: %v", err)
		}
		got := get(t, s, "SDA-FA0001")
		if got.Status != api.StatusReceived || len(got.Timeline) != 1 {
			t.Errorf("failed update wrote: %+v", got)
		}
		if n := outboxLen(t, s); n != 0 {
			t.Errorf("failed update queued %d effects", n)
		}
	})
}

func TestUpdateConcurrentSerializes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-CC0001"))
		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := s.Update(ctx, "SDA-CC0001", func(r *api.Report) ([]api.Effect, error) {
					r.Rating++ // a lost update would show as a smaller count
					r.Timeline = append(r.Timeline, api.Event{ID: fmt.Sprintf("c%d", i), Kind: api.EventInternalNote, Actor: "admin", At: t0})
					return []api.Effect{{ID: fmt.Sprintf("fx%d", i), Kind: api.EffectNotice}}, nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent update: %v", err)
			}
		}
		got := get(t, s, "SDA-CC0001")
		if len(got.Timeline) != n+1 || got.Rating != n {
			t.Errorf("after %d concurrent updates: %d events, counter %d", n, len(got.Timeline)-1, got.Rating)
		}
		if c := outboxLen(t, s); c != n {
			t.Errorf("outbox has %d rows, want %d", c, n)
		}
	})
}

func TestUpdateRedeliveredEventNotDoubled(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-RD0001"))
		e := api.Event{ID: "same", Kind: api.EventReply, Actor: "admin", At: t0, Text: "halo"}
		if _, err := s.Update(ctx, "SDA-RD0001", appendEvent(e)); err != nil {
			t.Fatal(err)
		}
		// An fn that appends an event the report has (a buggy redelivery)
		// does not fail the update, nor double the event.
		if _, err := s.Update(ctx, "SDA-RD0001", appendEvent(e)); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "SDA-RD0001"); len(got.Timeline) != 2 {
			t.Errorf("timeline has %d events, want 2", len(got.Timeline))
		}
	})
}
