package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

func TestOutboxOrderAndDone(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var want []string
		for i := range 5 {
			n := fmt.Sprintf("SDA-OB000%d", i)
			fx := []api.Effect{{ID: n + "-a", Kind: api.EffectForward}, {ID: n + "-b", Kind: api.EffectNotice, Payload: []byte(`{"x":1}`)}}
			if _, err := s.Create(ctx, report(n), fx); err != nil {
				t.Fatal(err)
			}
			want = append(want, n+"-a", n+"-b")
		}
		// An effect without an id gets one; without a number, the report's.
		if _, err := s.Update(ctx, "SDA-OB0001", appendEvent(api.Event{Kind: api.EventReply}, api.Effect{Kind: api.EffectWebhook})); err != nil {
			t.Fatal(err)
		}
		ids := func(es []api.OutboxEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		es, err := s.Outbox(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(es); !slices.Equal(got, want[:4]) {
			t.Errorf("first 4: %v, want %v", got, want[:4])
		}
		for i := 1; i < len(es); i++ {
			if es[i].Seq <= es[i-1].Seq || es[i].CreatedAt.IsZero() {
				t.Errorf("outbox not in seq order: %+v", es)
			}
		}
		if err := s.OutboxDone(ctx, es[0].Seq, es[2].Seq); err != nil {
			t.Fatal(err)
		}
		if err := s.OutboxDone(ctx); err != nil {
			t.Errorf("done with nothing: %v", err)
		}
		es, _ = s.Outbox(ctx, 100)
		wantLeft := append([]string{want[1], want[3]}, want[4:]...)
		if got := ids(es); len(got) != len(wantLeft)+1 || !slices.Equal(got[:len(wantLeft)], wantLeft) {
			t.Errorf("after done: %v, want %v and the webhook", got, wantLeft)
		}
		last := es[len(es)-1]
		if last.ID == "" || last.Number != "SDA-OB0001" || last.Kind != api.EffectWebhook {
			t.Errorf("defaults of an effect: %+v", last)
		}
		var all []int64
		for _, e := range es {
			all = append(all, e.Seq)
		}
		if err := s.OutboxDone(ctx, all...); err != nil {
			t.Fatal(err)
		}
		if n := outboxLen(t, s); n != 0 {
			t.Errorf("outbox has %d rows after done", n)
		}
	})
}
