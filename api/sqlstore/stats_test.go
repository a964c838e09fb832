package sqlstore_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

// statsFixture: eight reports, by hand (see each line). Times are from t0,
// 03:00 UTC = 10:00 in Jakarta on 2026-03-02.
func statsFixture(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	mk := func(number string, agency, category string, st api.Status, created time.Time, kec string, firstResp, waiting time.Time) *api.Report {
		return report(number, func(r *api.Report) {
			r.Agency, r.Category, r.Status, r.CreatedAt = agency, category, st, created
			r.Location.Kecamatan, r.FirstResponseAt, r.WaitingSince = kec, firstResp, waiting
		})
	}
	var zero time.Time
	create(t, s,
		// received before VerifyBefore: overdue
		mk("SDA-S00001", "DPUBMSDA", "jalan", api.StatusReceived, h(0), "Waru", zero, zero),
		// received after VerifyBefore
		mk("SDA-S00002", "DPUBMSDA", "jalan", api.StatusReceived, h(12), "waru", zero, zero),
		// verified, never answered, created before RespondBefore: overdue
		mk("SDA-S00003", "DPUBMSDA", "jalan", api.StatusVerified, h(1), "Candi", zero, zero),
		// answered after 1 h, citizen waiting since before RespondBefore: overdue; day 03-03 in Jakarta
		mk("SDA-S00004", "DLHK", "sampah", api.StatusInProgress, h(18), "", h(19), h(19.5)),
		// answered after 2 h, waiting since after RespondBefore
		mk("SDA-S00005", "DLHK", "sampah", api.StatusInProgress, h(2), "Candi", h(4), h(21)),
		// closed, answered after 3 h
		mk("SDA-S00006", "DLHK", "sampah", api.StatusResolved, h(3), "Waru", h(6), zero),
		// verified, never answered, created after RespondBefore
		mk("SDA-S00007", "DPUBMSDA", "jalan", api.StatusVerified, h(25), "Waru", zero, zero),
		// closed two days before, answered after 10 h
		mk("SDA-S00008", "DPUBMSDA", "jalan", api.StatusRejected, h(-48), "Waru", h(-38), zero),
	)
}

func TestStats(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		empty, err := s.Stats(ctx, api.StatsQuery{})
		if err != nil || empty.Total != 0 || empty.ByStatus == nil || empty.PerDay == nil {
			t.Fatalf("empty stats: %+v %v", empty, err)
		}
		statsFixture(t, s)
		cut := api.StatsQuery{VerifyBefore: t0.Add(10 * time.Hour), RespondBefore: t0.Add(20 * time.Hour)}

		st, err := s.Stats(ctx, cut)
		if err != nil {
			t.Fatal(err)
		}
		checkStats(t, "all", st, api.Stats{
			Total: 8, Open: 6, Overdue: 3,
			ByStatus:       map[api.Status]int{api.StatusReceived: 2, api.StatusVerified: 2, api.StatusInProgress: 2, api.StatusResolved: 1, api.StatusRejected: 1},
			ByCategory:     map[string]int{"jalan": 5, "sampah": 3},
			ByKecamatan:    map[string]int{"Waru": 5, "Candi": 2, "": 1},
			ByAgency:       map[string]int{"DPUBMSDA": 5, "DLHK": 3},
			Responded:      4,
			MedianResponse: 150 * time.Minute, // (2 h + 3 h) / 2
			PerDay:         []api.DayCount{{Day: "2026-02-28", N: 1}, {Day: "2026-03-02", N: 5}, {Day: "2026-03-03", N: 2}},
		})

		q := cut
		q.Agency = "DLHK"
		st, _ = s.Stats(ctx, q)
		checkStats(t, "agency", st, api.Stats{
			Total: 3, Open: 2, Overdue: 1,
			ByStatus:       map[api.Status]int{api.StatusInProgress: 2, api.StatusResolved: 1},
			ByCategory:     map[string]int{"sampah": 3},
			ByKecamatan:    map[string]int{"Candi": 1, "Waru": 1, "": 1},
			ByAgency:       map[string]int{"DLHK": 3},
			Responded:      3,
			MedianResponse: 2 * time.Hour,
			PerDay:         []api.DayCount{{Day: "2026-03-02", N: 2}, {Day: "2026-03-03", N: 1}},
		})

		q = api.StatsQuery{From: t0, To: t0.Add(12 * time.Hour), Location: time.UTC} // inclusive; days in UTC
		st, _ = s.Stats(ctx, q)
		checkStats(t, "range, UTC days, no cut-offs", st, api.Stats{
			Total: 5, Open: 4, Overdue: 0,
			ByStatus:       map[api.Status]int{api.StatusReceived: 2, api.StatusVerified: 1, api.StatusInProgress: 1, api.StatusResolved: 1},
			ByCategory:     map[string]int{"jalan": 3, "sampah": 2},
			ByKecamatan:    map[string]int{"Waru": 3, "Candi": 2},
			ByAgency:       map[string]int{"DPUBMSDA": 3, "DLHK": 2},
			Responded:      2,
			MedianResponse: 150 * time.Minute,
			PerDay:         []api.DayCount{{Day: "2026-03-02", N: 5}},
		})

		st, _ = s.Stats(ctx, api.StatsQuery{Location: time.UTC})
		if want := []api.DayCount{{Day: "2026-02-28", N: 1}, {Day: "2026-03-02", N: 6}, {Day: "2026-03-03", N: 1}}; !slices.Equal(st.PerDay, want) {
			t.Errorf("UTC days: %v, want %v", st.PerDay, want)
		}
		q = api.StatsQuery{RespondBefore: t0.Add(20 * time.Hour)} // no verify cut-off
		if st, _ = s.Stats(ctx, q); st.Overdue != 2 {
			t.Errorf("respond cut-off only: overdue %d, want 2", st.Overdue)
		}
		q = api.StatsQuery{VerifyBefore: t0.Add(10 * time.Hour)}
		if st, _ = s.Stats(ctx, q); st.Overdue != 1 {
			t.Errorf("verify cut-off only: overdue %d, want 1", st.Overdue)
		}
	})
}

func checkStats(t *testing.T, name string, got *api.Stats, want api.Stats) {
	t.Helper()
	if got.Total != want.Total || got.Open != want.Open || got.Overdue != want.Overdue {
		t.Errorf("%s: total/open/overdue %d/%d/%d, want %d/%d/%d", name, got.Total, got.Open, got.Overdue, want.Total, want.Open, want.Overdue)
	}
	if !maps.Equal(got.ByStatus, want.ByStatus) {
		t.Errorf("%s: by status %v, want %v", name, got.ByStatus, want.ByStatus)
	}
	if !maps.Equal(got.ByCategory, want.ByCategory) {
		t.Errorf("%s: by category %v, want %v", name, got.ByCategory, want.ByCategory)
	}
	if !maps.Equal(got.ByKecamatan, want.ByKecamatan) {
		t.Errorf("%s: by kecamatan %v, want %v", name, got.ByKecamatan, want.ByKecamatan)
	}
	if !maps.Equal(got.ByAgency, want.ByAgency) {
		t.Errorf("%s: by agency %v, want %v", name, got.ByAgency, want.ByAgency)
	}
	if got.Responded != want.Responded || got.MedianResponse != want.MedianResponse {
		t.Errorf("%s: responded %d median %v, want %d %v", name, got.Responded, got.MedianResponse, want.Responded, want.MedianResponse)
	}
	if !slices.Equal(got.PerDay, want.PerDay) {
		t.Errorf("%s: per day %v, want %v", name, got.PerDay, want.PerDay)
	}
}
