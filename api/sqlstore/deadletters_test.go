package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

func TestDeadLetters(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s, report("SDA-DL0001", func(r *api.Report) { r.Agency = "DLHK" }))
		d := api.DeadLetter{
			Kind: api.DeadForward, Stream: "aduan:forward", Entry: "1-0", Number: "SDA-DL0001",
			Target: "https://311.example/requests.json", Error: "503", Attempts: 3,
			FirstAt: t0, LastAt: t0.Add(time.Minute), Payload: map[string]string{"number": "SDA-DL0001"},
		}
		if err := s.AddDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
		// Added again (a worker crashed before acking): one dead letter,
		// updated.
		d.Error, d.Attempts, d.LastAt = "timeout", 4, t0.Add(time.Hour)
		if err := s.AddDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
		page, err := s.DeadLetters(ctx, api.DeadLetterQuery{})
		if err != nil || page.Total != 1 || len(page.Items) != 1 {
			t.Fatalf("after two adds: %+v %v", page, err)
		}
		got := page.Items[0]
		if got.ID == "" || got.Agency != "DLHK" || got.Error != "timeout" || got.Attempts != 4 ||
			!got.FirstAt.Equal(t0) || !got.LastAt.Equal(t0.Add(time.Hour)) || !maps.Equal(got.Payload, d.Payload) {
			t.Errorf("dead letter %+v", got)
		}
		one, err := s.DeadLetter(ctx, got.ID)
		if err != nil || one.Entry != "1-0" || one.Target != d.Target {
			t.Errorf("DeadLetter(id): %+v %v", one, err)
		}

		// Others, for kind, agency scope and paging; newest first.
		for i := range 5 {
			kind := api.DeadReply
			if i%2 == 0 {
				kind = api.DeadWebhook
			}
			err := s.AddDeadLetter(ctx, api.DeadLetter{ID: fmt.Sprintf("dl%d", i), Kind: kind, Stream: "s", Entry: fmt.Sprint(i),
				Agency: "DINKES", Error: "x", LastAt: t0.Add(time.Duration(i) * time.Minute), FirstAt: t0})
			if err != nil {
				t.Fatal(err)
			}
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{Agency: "DINKES", Size: 2, Page: 2})
		if page.Total != 5 || len(page.Items) != 2 || page.Items[0].ID != "dl2" || page.Items[1].ID != "dl1" {
			t.Errorf("agency page 2: %+v", page)
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{Kind: api.DeadWebhook})
		if page.Total != 3 || page.Items[0].ID != "dl4" {
			t.Errorf("by kind: %+v", page)
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{Agency: "DLHK"})
		if page.Total != 1 || page.Items[0].ID != got.ID {
			t.Errorf("agency DLHK (filled from the report): %+v", page)
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{})
		if page.Total != 6 || page.Items[0].ID != got.ID { // last at +1 h: the newest
			t.Errorf("all: %+v", page)
		}

		// Resolve: it leaves the list; twice is not found.
		if err := s.ResolveDeadLetter(ctx, got.ID, "retried", "admin", "target back"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveDeadLetter(ctx, got.ID, "discarded", "admin2", ""); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("resolve twice: %v", err)
		}
		if _, err := s.DeadLetter(ctx, got.ID); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("resolved dead letter still readable: %v", err)
		}
		if err := s.ResolveDeadLetter(ctx, "nope", "retried", "admin", ""); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("resolve missing: %v", err)
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{Agency: "DLHK"})
		if page.Total != 0 {
			t.Errorf("resolved still listed: %+v", page)
		}
		// The same entry failing again after the retry is a new dead letter.
		if err := s.AddDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
		page, _ = s.DeadLetters(ctx, api.DeadLetterQuery{Agency: "DLHK"})
		if page.Total != 1 || page.Items[0].ID == got.ID {
			t.Errorf("re-added after resolve: %+v", page)
		}
	})
}
