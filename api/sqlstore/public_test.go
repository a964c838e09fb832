package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

func TestPublic(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		at := func(h int) func(r *api.Report) {
			return func(r *api.Report) { r.CreatedAt = t0.Add(time.Duration(h) * time.Hour) }
		}
		ident := func(i api.Identity) func(r *api.Report) { return func(r *api.Report) { r.Identity = i } }
		withThread := func(r *api.Report) {
			r.Timeline = append(r.Timeline,
				api.Event{ID: "n", Kind: api.EventInternalNote, Actor: "admin", At: t0, Text: "internal"},
				api.Event{ID: "r1", Kind: api.EventReply, Actor: "admin", At: t0.Add(time.Minute), Text: "balasan 1"},
				api.Event{ID: "q", Kind: api.EventQuestion, Actor: "admin", At: t0.Add(2 * time.Minute), Text: "pertanyaan"},
				api.Event{ID: "r2", Kind: api.EventReply, Actor: "admin", At: t0.Add(3 * time.Minute), Text: "balasan 2"},
			)
		}
		create(t, s,
			report("SDA-P00001", at(0), withThread),
			report("SDA-P00002", at(1), ident(api.IdentityRahasia), withThread),
			report("SDA-P00003", at(2), ident(api.IdentityAnonim), func(r *api.Report) { r.Status = api.StatusResolved; r.Category = "sampah" }),
			report("SDA-P00004", at(3), ident("misspelt"), withThread), // unclear = rahasia
			report("SDA-P00005", at(4), ident("publik"), func(r *api.Report) { r.ServiceRequestID, r.External = "EXT-5", true }),
			report("SDA-P00006", at(5), ident(""), withThread), // empty = rahasia
		)
		cases := []struct {
			name string
			q    api.PublicQuery
			want []string
		}{
			{"all, newest first", api.PublicQuery{}, []string{"SDA-P00005", "SDA-P00003", "SDA-P00001"}},
			{"service code", api.PublicQuery{ServiceCode: "sampah"}, []string{"SDA-P00003"}},
			{"open", api.PublicQuery{Status: "open"}, []string{"SDA-P00005", "SDA-P00001"}},
			{"closed", api.PublicQuery{Status: "closed"}, []string{"SDA-P00003"}},
			{"start", api.PublicQuery{Start: t0.Add(2 * time.Hour)}, []string{"SDA-P00005", "SDA-P00003"}},
			{"end inclusive", api.PublicQuery{End: t0.Add(2 * time.Hour)}, []string{"SDA-P00003", "SDA-P00001"}},
			{"page size", api.PublicQuery{PageSize: 2}, []string{"SDA-P00005", "SDA-P00003"}},
			{"page 2", api.PublicQuery{PageSize: 2, Page: 2}, []string{"SDA-P00001"}},
			{"page past the end", api.PublicQuery{PageSize: 2, Page: 3}, nil},
			{"ids by number and external id, others ignored", api.PublicQuery{IDs: []string{"sda-p00001", "EXT-5", "SDA-P00002", "SDA-P00004", "nope"}, ServiceCode: "x", Status: "closed"}, []string{"SDA-P00005", "SDA-P00001"}},
			{"ids rahasia only", api.PublicQuery{IDs: []string{"SDA-P00002"}}, nil},
		}
		for _, c := range cases {
			got, err := s.Public(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n := numbers(got); !slices.Equal(n, c.want) && !(len(n) == 0 && len(c.want) == 0) {
				t.Errorf("%s: %v, want %v", c.name, n, c.want)
			}
		}
		got, _ := s.Public(ctx, api.PublicQuery{})
		for _, r := range got {
			var texts []string
			for _, e := range r.Timeline {
				texts = append(texts, e.Text)
			}
			want := []string(nil)
			if r.Number == "SDA-P00001" {
				want = []string{"balasan 1", "balasan 2"}
			}
			if !slices.Equal(texts, want) {
				t.Errorf("%s: public timeline %q, want only the replies %q", r.Number, texts, want)
			}
		}
	})
}
