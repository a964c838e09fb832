package sqlstore_test

import (
	"context"
	"testing"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

func TestSeed(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		const n = 2000
		if err := sqlstoretest.Seed(ctx, s, n, 7); err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx, api.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != n || len(st.ByStatus) != 7 || len(st.ByCategory) != 10 || len(st.ByKecamatan) != 19 || len(st.PerDay) < 300 {
			t.Errorf("seeded %d reports, %d statuses, %d categories, %d kecamatan, %d days",
				st.Total, len(st.ByStatus), len(st.ByCategory), len(st.ByKecamatan), len(st.PerDay))
		}
		if st.Responded == 0 || st.MedianResponse <= 0 {
			t.Errorf("no responses seeded: %+v", st)
		}
		public, _ := s.Public(ctx, api.PublicQuery{PageSize: 1000})
		rahasia := n - countPublic(t, s)
		if rahasia < n/20 || rahasia > n/6 {
			t.Errorf("%d rahasia of %d, want about 10 %%", rahasia, n)
		}
		replies := 0
		for _, r := range public {
			replies += len(r.Timeline)
		}
		if replies == 0 {
			t.Errorf("no public replies seeded")
		}
		f, _ := api.Filter{Query: "tambahan"}.Normalize()
		if res, _ := s.List(ctx, f); res.Total == 0 {
			t.Errorf("no additions seeded")
		}
		// The same seed gives the same reports.
		other := sqlstoretest.Open(t, s.Dialect())
		if err := sqlstoretest.Seed(ctx, other, 10, 7); err != nil {
			t.Fatal(err)
		}
		b, _ := other.List(ctx, api.Filter{Page: 1, Size: 10})
		for _, r := range b.Items {
			if got, err := s.Get(ctx, r.Number); err != nil || got.Title != r.Title || !got.CreatedAt.Equal(r.CreatedAt) {
				t.Errorf("seed 7 gave %s %q, then %+v (%v)", r.Number, r.Title, got, err)
			}
		}
	})
}

// countPublic counts the reports Public may return, page by page.
func countPublic(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	n := 0
	for page := 1; ; page++ {
		rs, err := s.Public(context.Background(), api.PublicQuery{PageSize: 500, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return n
		}
		n += len(rs)
	}
}
