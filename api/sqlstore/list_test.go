package sqlstore_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

// listFixture is six reports, one hour apart (L1 oldest), that differ in
// every filtered field.
func listFixture(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	at := func(h int) func(r *api.Report) {
		return func(r *api.Report) { r.CreatedAt = t0.Add(time.Duration(h) * time.Hour) }
	}
	create(t, s,
		report("SDA-L00001", at(0), func(r *api.Report) {
			r.Title, r.Description = "Jalan berlubang besar", "Di depan SD Negeri 1"
			r.WaitingSince = t0.Add(10 * time.Hour)
		}),
		report("SDA-L00002", at(1), func(r *api.Report) {
			r.Category, r.Agency, r.Status = "sampah", "DLHK", api.StatusVerified
			r.Title, r.Description = "Sampah menumpuk", "TPS liar 100% penuh"
			r.Location.Kecamatan = "Sidoarjo"
			r.WaitingSince = t0.Add(5 * time.Hour)
		}),
		report("SDA-L00003", at(2), func(r *api.Report) {
			r.Channel, r.ChatID = "whatsapp", "6281"
			r.Status = api.StatusInProgress
			r.Location.Kecamatan = "WARU"
			r.Contact.Phone = "+62 812-0000-1111"
			r.Description = "kabel_listrik putus"
		}),
		report("SDA-L00004", at(3), func(r *api.Report) {
			r.Category, r.Agency, r.Status = "sampah", "DLHK", api.StatusResolved
			r.Location.Kecamatan = ""
			r.Timeline = append(r.Timeline, api.Event{ID: "a1", Kind: api.EventAddition, Actor: api.ActorCitizen, At: t0.Add(4 * time.Hour), Text: "Baunya menyengat sekali"})
		}),
		report("SDA-L00005", at(4), func(r *api.Report) {
			r.Status = api.StatusRejected
			r.Channel = "terminal"
			r.Timeline = append(r.Timeline, api.Event{ID: "q1", Kind: api.EventAnswer, Actor: api.ActorCitizen, At: t0.Add(5 * time.Hour), Text: "Jawaban: dekat PASAR Larangan"})
		}),
		report("SDA-L00006", at(5), func(r *api.Report) {
			r.Title = `Backslash \ di judul`
			r.Contact.Phone = ""
		}),
	)
}

func TestListFilters(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		listFixture(t, s)
		ctx := context.Background()
		cases := []struct {
			name string
			f    api.Filter
			want []string // numbers, newest first
		}{
			{"all", api.Filter{}, []string{"SDA-L00006", "SDA-L00005", "SDA-L00004", "SDA-L00003", "SDA-L00002", "SDA-L00001"}},
			{"status", api.Filter{Status: api.StatusVerified}, []string{"SDA-L00002"}},
			{"category", api.Filter{Category: "sampah"}, []string{"SDA-L00004", "SDA-L00002"}},
			{"agency", api.Filter{Agency: "DPUBMSDA"}, []string{"SDA-L00006", "SDA-L00005", "SDA-L00003", "SDA-L00001"}},
			{"kecamatan any case", api.Filter{Kecamatan: "waru"}, []string{"SDA-L00006", "SDA-L00005", "SDA-L00003", "SDA-L00001"}},
			{"kecamatan upper", api.Filter{Kecamatan: "SIDOARJO"}, []string{"SDA-L00002"}},
			{"channel", api.Filter{Channel: "whatsapp"}, []string{"SDA-L00003"}},
			{"from", api.Filter{From: t0.Add(4 * time.Hour)}, []string{"SDA-L00006", "SDA-L00005"}},
			{"to inclusive", api.Filter{To: t0.Add(time.Hour)}, []string{"SDA-L00002", "SDA-L00001"}},
			{"from-to", api.Filter{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}, []string{"SDA-L00003", "SDA-L00002"}},
			{"query title any case", api.Filter{Query: "BERLUBANG"}, []string{"SDA-L00005", "SDA-L00004", "SDA-L00003", "SDA-L00001"}},
			{"query description", api.Filter{Query: "sd negeri"}, []string{"SDA-L00001"}},
			{"query addition", api.Filter{Query: "menyengat"}, []string{"SDA-L00004"}},
			{"query answer", api.Filter{Query: "pasar larangan"}, []string{"SDA-L00005"}},
			{"query percent is literal", api.Filter{Query: "100%"}, []string{"SDA-L00002"}},
			{"query percent alone", api.Filter{Query: "%"}, []string{"SDA-L00002"}},
			{"query underscore is literal", api.Filter{Query: "kabel_"}, []string{"SDA-L00003"}},
			{"query underscore alone", api.Filter{Query: "_"}, []string{"SDA-L00003"}},
			{"query backslash", api.Filter{Query: `\`}, []string{"SDA-L00006"}},
			{"query no match", api.Filter{Query: "tidak ada"}, nil},
			{"number", api.Filter{Number: "SDA-L00003"}, []string{"SDA-L00003"}},
			{"number missing", api.Filter{Number: "SDA-ZZZZZZ"}, nil},
			{"phone", api.Filter{Phone: "+6281200001111"}, []string{"SDA-L00003"}},
			{"phone of 08 form", api.Filter{Phone: "+6281234567890"}, []string{"SDA-L00005", "SDA-L00004", "SDA-L00002", "SDA-L00001"}},
			{"combined", api.Filter{Agency: "DLHK", Status: api.StatusResolved, Query: "sampah"}, nil},
			{"combined hit", api.Filter{Agency: "DPUBMSDA", Kecamatan: "waru", Channel: "telegram", Query: "lubang"}, []string{"SDA-L00006", "SDA-L00001"}},
		}
		for _, c := range cases {
			f, err := c.f.Normalize()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			res, err := s.List(ctx, f)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if got := numbers(res.Items); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
			if res.Total != len(c.want) {
				t.Errorf("%s: total %d, want %d", c.name, res.Total, len(c.want))
			}
			for _, r := range res.Items {
				if r.Timeline != nil {
					t.Errorf("%s: list items must carry no timeline", c.name)
				}
			}
		}
	})
}

func TestListCountsIgnoreStatus(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		listFixture(t, s)
		f, _ := api.Filter{Status: api.StatusVerified, Agency: "DLHK"}.Normalize()
		res, err := s.List(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		want := map[api.Status]int{api.StatusVerified: 1, api.StatusResolved: 1}
		if !maps.Equal(res.Count, want) || res.Total != 1 {
			t.Errorf("count %v total %d, want %v and 1", res.Count, res.Total, want)
		}
		f, _ = api.Filter{}.Normalize()
		res, _ = s.List(context.Background(), f)
		want = map[api.Status]int{api.StatusReceived: 2, api.StatusVerified: 1, api.StatusInProgress: 1, api.StatusResolved: 1, api.StatusRejected: 1}
		if !maps.Equal(res.Count, want) || res.Total != 6 {
			t.Errorf("count %v total %d, want %v and 6", res.Count, res.Total, want)
		}
	})
}

func TestListSortAndPaging(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		listFixture(t, s)
		ctx := context.Background()
		list := func(f api.Filter) *api.ListResult {
			t.Helper()
			f, err := f.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// Waiting first by how long (L2 since +5h, L1 since +10h), then the
		// rest oldest first.
		res := list(api.Filter{Sort: api.SortWaiting})
		want := []string{"SDA-L00002", "SDA-L00001", "SDA-L00003", "SDA-L00004", "SDA-L00005", "SDA-L00006"}
		if got := numbers(res.Items); !slices.Equal(got, want) {
			t.Errorf("waiting: %v, want %v", got, want)
		}
		var paged []string
		for page := 1; page <= 3; page++ {
			res := list(api.Filter{Size: 2, Page: page})
			if res.Page != page || res.Size != 2 || res.Total != 6 || len(res.Items) != 2 {
				t.Errorf("page %d: %+v", page, res)
			}
			paged = append(paged, numbers(res.Items)...)
		}
		if want := []string{"SDA-L00006", "SDA-L00005", "SDA-L00004", "SDA-L00003", "SDA-L00002", "SDA-L00001"}; !slices.Equal(paged, want) {
			t.Errorf("pages: %v", paged)
		}
		res = list(api.Filter{Size: 4, Page: 2, Sort: api.SortWaiting})
		if got := numbers(res.Items); !slices.Equal(got, []string{"SDA-L00005", "SDA-L00006"}) {
			t.Errorf("waiting page 2: %v", got)
		}
		res = list(api.Filter{Size: 2, Page: 9})
		if len(res.Items) != 0 || res.Total != 6 || res.Count[api.StatusReceived] != 2 {
			t.Errorf("past the end: %+v", res)
		}
	})
}

func TestByChat(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		listFixture(t, s)
		got, err := s.ByChat(context.Background(), "telegram", "42", 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"SDA-L00006", "SDA-L00004"}; !slices.Equal(numbers(got), want) {
			t.Errorf("by chat: %v, want %v", numbers(got), want)
		}
		got, _ = s.ByChat(context.Background(), "telegram", "nobody", 5)
		if len(got) != 0 {
			t.Errorf("unknown chat: %v", numbers(got))
		}
	})
}

func TestExport(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		listFixture(t, s)
		ctx := context.Background()
		// One more addition after the answer, on L5: joined in timeline order.
		if _, err := s.Update(ctx, "SDA-L00005", appendEvent(api.Event{ID: "a2", Kind: api.EventAddition, Actor: api.ActorCitizen, At: t0.Add(9 * time.Hour), Text: "dan lagi"})); err != nil {
			t.Fatal(err)
		}
		// Photos only: no text, no empty line.
		if _, err := s.Update(ctx, "SDA-L00005", appendEvent(api.Event{ID: "a3", Kind: api.EventAddition, Actor: api.ActorCitizen, At: t0.Add(9 * time.Hour)})); err != nil {
			t.Fatal(err)
		}
		f, _ := api.Filter{Agency: "DPUBMSDA", Sort: api.SortWaiting, Size: 1}.Normalize()
		var got []string
		additions := map[string]string{}
		err := s.Export(ctx, f, func(r *api.Report) error {
			got = append(got, r.Number)
			additions[r.Number] = r.Additions
			if r.Timeline != nil {
				t.Errorf("export items carry no timeline")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"SDA-L00001", "SDA-L00003", "SDA-L00005", "SDA-L00006"}; !slices.Equal(got, want) {
			t.Errorf("export (ignores paging, keeps sort): %v, want %v", got, want)
		}
		if a := additions["SDA-L00005"]; a != "Jawaban: dekat PASAR Larangan\ndan lagi" {
			t.Errorf("additions %q", a)
		}
		if a := additions["SDA-L00001"]; a != "" {
			t.Errorf("no additions: %q", a)
		}
		// fn's error stops the export and comes back.
		stop := errors.New("stop")
		n := 0
		err = s.Export(ctx, api.Filter{}, func(r *api.Report) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("stop: n=%d err=%v", n, err)
		}
	})
}

func TestOpenExternal(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ext := func(id string, st api.Status) func(r *api.Report) {
			return func(r *api.Report) { r.External, r.ServiceRequestID, r.Status = true, id, st }
		}
		create(t, s,
			report("SDA-E00005", ext("x5", api.StatusVerified)),
			report("SDA-E00001", ext("x1", api.StatusReceived)),
			report("SDA-E00003", ext("x3", api.StatusResolved)), // closed
			report("SDA-E00002", ext("x2", api.StatusInProgress)),
			report("SDA-E00004"), // not external
			report("SDA-E00006", ext("x6", api.StatusReceived)),
		)
		ctx := context.Background()
		var all []string
		after := ""
		for {
			page, err := s.OpenExternal(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			all = append(all, numbers(page)...)
			after = page[len(page)-1].Number
		}
		if want := []string{"SDA-E00001", "SDA-E00002", "SDA-E00005", "SDA-E00006"}; !slices.Equal(all, want) {
			t.Errorf("open external: %v, want %v", all, want)
		}
	})
}

// A text search matching more than api.TextSearchCountCap reports counts up
// to the cap and says so; the page is still the newest matches.
func TestListTextSearchCountCapped(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := sqlstoretest.Seed(ctx, s, 1500, 7); err != nil {
			t.Fatal(err)
		}
		res, err := s.List(ctx, api.Filter{Query: "a", Page: 1, Size: 25})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Capped || res.Total > api.TextSearchCountCap+1 || len(res.Items) != 25 {
			t.Fatalf("capped %v, total %d, %d items", res.Capped, res.Total, len(res.Items))
		}
		exact, err := s.List(ctx, api.Filter{Category: res.Items[0].Category, Page: 1, Size: 25})
		if err != nil || exact.Capped {
			t.Fatalf("a filter without text is counted exactly: %+v %v", exact, err)
		}
	})
}
