package sqlstore_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

// benchReports is how many reports the benchmarks seed:
// ADUAN_BENCH_REPORTS, default 10,000.
func benchReports(b *testing.B) int {
	v := os.Getenv("ADUAN_BENCH_REPORTS")
	if v == "" {
		return 10_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("ADUAN_BENCH_REPORTS=%q: want a positive number", v)
	}
	return n
}

// exportRows is about how many rows the export benchmark streams.
const exportRows = 10_000

// BenchmarkStore seeds one store per dialect (PostgreSQL skipped when it
// does not answer), then measures the console's and the public API's reads.
func BenchmarkStore(b *testing.B) {
	n := benchReports(b)
	for _, d := range sqlstoretest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := sqlstoretest.Open(b, d)
			ctx := context.Background()
			start := time.Now()
			if err := sqlstoretest.Seed(ctx, s, n, 1); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: seeded %d reports in %v", d, n, time.Since(start).Round(time.Millisecond))
			benchReads(b, s, n)
		})
	}
}

func benchReads(b *testing.B, s *sqlstore.Store, n int) {
	ctx := context.Background()
	first, err := s.List(ctx, api.Filter{Page: 1, Size: 1})
	if err != nil || len(first.Items) == 0 {
		b.Fatalf("list: %v", err)
	}
	number := first.Items[0].Number
	run := func(name string, fn func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	public := func(page int) func() error {
		return func() error {
			_, err := s.Public(ctx, api.PublicQuery{PageSize: 20, Page: page})
			return err
		}
	}
	list := func(f api.Filter) func() error {
		f, err := f.Normalize()
		if err != nil {
			b.Fatal(err)
		}
		return func() error {
			_, err := s.List(ctx, f)
			return err
		}
	}
	run("Public/page1", public(1))
	run("Public/page500", public(500))
	run("List/three-filters", list(api.Filter{Agency: "DPUBMSDA", Status: api.StatusInProgress, Kecamatan: "waru"}))
	run("List/number", list(api.Filter{Number: number}))
	run("List/query", list(api.Filter{Query: "tidak diangkut"}))                // 10 % of the reports
	run("List/query-rare", list(api.Filter{Query: "diponegoro krian no. 17,"})) // a handful
	today := time.Now().UTC().Truncate(24 * time.Hour)
	stats := func(from time.Time) func() error {
		return func() error {
			_, err := s.Stats(ctx, api.StatsQuery{From: from, VerifyBefore: today.AddDate(0, 0, -2), RespondBefore: today.AddDate(0, 0, -5)})
			return err
		}
	}
	run("Stats/all", stats(time.Time{}))
	run("Stats/30-days", stats(today.AddDate(0, 0, -30)))
	// The newest exportRows reports: the seed spreads n over SeedSpan.
	from := time.Time{}
	if n > exportRows {
		from = today.Add(-time.Duration(float64(sqlstoretest.SeedSpan) * exportRows / float64(n)))
	}
	f, _ := api.Filter{From: from}.Normalize()
	b.Run("Export/10k", func(b *testing.B) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			rows = 0
			err := s.Export(ctx, f, func(r *api.Report) error {
				rows++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows), "rows/op")
	})
}
