package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

// eachDialect runs fn as a subtest per dialect, on a fresh store.
func eachDialect(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, d := range sqlstoretest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, sqlstoretest.Open(t, d))
		})
	}
}

// t0 is the creation time of the test reports (a Monday, 10:00 in Jakarta).
var t0 = time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)

// report is a minimal valid report; mods adjust it.
func report(number string, mods ...func(r *api.Report)) *api.Report {
	r := &api.Report{
		Number:      number,
		Category:    "jalan",
		Agency:      "DPUBMSDA",
		Title:       "Jalan berlubang",
		Description: "Lubang besar di depan pasar",
		Location:    api.Location{Address: "Jl. Raya Waru", Kecamatan: "Waru"},
		Identity:    api.IdentityPublic,
		Contact:     api.Contact{Name: "Budi", Phone: "081234567890"},
		Source:      "chat",
		Channel:     "telegram",
		ChatID:      "42",
		Lang:        "id",
		Status:      api.StatusReceived,
		CreatedAt:   t0,
		UpdatedAt:   t0,
		Timeline: []api.Event{
			{ID: number + "-created", Kind: api.EventCreated, Actor: api.ActorCitizen, At: t0},
		},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func create(t *testing.T, s *sqlstore.Store, rs ...*api.Report) {
	t.Helper()
	for _, r := range rs {
		created, err := s.Create(context.Background(), r, nil)
		if err != nil || !created {
			t.Fatalf("create %s: created=%v err=%v", r.Number, created, err)
		}
	}
}

func get(t *testing.T, s *sqlstore.Store, number string) *api.Report {
	t.Helper()
	r, err := s.Get(context.Background(), number)
	if err != nil {
		t.Fatalf("get %s: %v", number, err)
	}
	return r
}

func numbers(rs []*api.Report) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Number
	}
	return out
}

// appendEvent is an Update func that adds one event.
func appendEvent(e api.Event, effects ...api.Effect) func(r *api.Report) ([]api.Effect, error) {
	return func(r *api.Report) ([]api.Effect, error) {
		r.Timeline = append(r.Timeline, e)
		return effects, nil
	}
}

// outboxLen is the number of pending effects.
func outboxLen(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	es, err := s.Outbox(context.Background(), 1000)
	if err != nil {
		t.Fatalf("outbox: %v", err)
	}
	return len(es)
}
