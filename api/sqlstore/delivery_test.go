package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

// A delivery report lands on its event; a later one (a retried message that
// got through) replaces it; an unknown report is ErrNotFound.
func TestSetDelivery(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := report("SDA-DLV001")
		r.Timeline = append(r.Timeline, api.Event{ID: "reply:1", Kind: api.EventReply, Actor: "admin", At: r.CreatedAt, Text: "x"})
		create(t, s, r)
		at := time.Date(2026, 12, 1, 10, 0, 0, 123456000, time.UTC)
		steps := []struct {
			d    api.Delivery
			want string
		}{
			{api.Delivery{Status: api.DeliveryFailed, At: at, Detail: "the citizen blocked the bot"}, api.DeliveryFailed},
			{api.Delivery{Status: api.DeliverySent, At: at.Add(time.Minute)}, api.DeliverySent},
		}
		for _, st := range steps {
			if err := s.SetDelivery(ctx, "SDA-DLV001", "reply:1", st.d); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, "SDA-DLV001")
			if err != nil {
				t.Fatal(err)
			}
			var ev api.Event
			for _, e := range got.Timeline {
				if e.ID == "reply:1" {
					ev = e
				}
			}
			if ev.Delivery == nil || ev.Delivery.Status != st.want || !ev.Delivery.At.Equal(st.d.At) || ev.Delivery.Detail != st.d.Detail {
				t.Fatalf("delivery %+v, want %+v", ev.Delivery, st.d)
			}
			if got.Timeline[0].Delivery != nil {
				t.Fatal("the created event got a delivery")
			}
		}
		if err := s.SetDelivery(ctx, "SDA-NOPE01", "reply:1", steps[0].d); !errors.Is(err, api.ErrNotFound) {
			t.Fatalf("unknown report: %v, want ErrNotFound", err)
		}
	})
}
