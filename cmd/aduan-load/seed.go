package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
)

// seedOptions are the flags of `aduan-load seed`.
type seedOptions struct {
	database string
	reports  int
	seed     int64
	timeout  time.Duration
}

// maxSeedReports bounds --reports: enough for any figure in the docs, not
// enough to fill a disk by a typo.
const maxSeedReports = 10_000_000

const seedUsage = `usage: aduan-load seed --database DSN --reports N [--seed S]

Fills a report database with realistic reports (sqlstoretest.Seed: the 10
default categories, Sidoarjo's 18 kecamatan, 7 statuses, 10 % rahasia, created
over the 365 days before today, UTC) until it holds N. Reports already there
are kept and counted, so "--reports 1000" then "--reports 100000" leaves
100,000. The database is migrated first (sqlstore.Open). A PostgreSQL DSN must
name a loopback host: this tool never writes to a remote database.

`

func parseSeedFlags(args []string, stderr io.Writer) (seedOptions, error) {
	var o seedOptions
	fs := flag.NewFlagSet("aduan-load seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), seedUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.database, "database", "", "report database: postgres://…@127.0.0.1/… (loopback only) or sqlite:PATH (required)")
	fs.IntVar(&o.reports, "reports", 0, "seed until the database holds this many reports (required)")
	fs.Int64Var(&o.seed, "seed", 1, "random seed; the batch that brings the database from k reports to N uses seed+k, so runs are repeatable")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("seed: unexpected arguments: %v", fs.Args())
	}
	if o.database == "" {
		return o, errors.New("seed: --database is required (postgres://postgres@127.0.0.1:5432/aduan_bench?sslmode=disable or sqlite:PATH)")
	}
	if err := checkDatabase(o.database); err != nil {
		return o, err
	}
	if o.reports < 1 || o.reports > maxSeedReports {
		return o, fmt.Errorf("seed: --reports must be 1..%d", maxSeedReports)
	}
	if o.timeout <= 0 {
		return o, errors.New("seed: --timeout must be positive")
	}
	return o, nil
}

// checkDatabase accepts a SQLite DSN (a local file) or a PostgreSQL URL
// whose host is loopback or a Unix socket directory; anything else is
// refused, like --target.
func checkDatabase(dsn string) error {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "sqlite://") && !strings.HasPrefix(dsn, "file://") {
			return fmt.Errorf("seed: database %q: want postgres://… or sqlite:PATH", redactDSN(dsn))
		}
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("seed: bad PostgreSQL URL %s", redactDSN(dsn))
	}
	hosts := []string{}
	if h := u.Host; h != "" {
		// pgx accepts several hosts, "h1:5432,h2:5433": every one must be local.
		for _, hp := range strings.Split(h, ",") {
			host := hp
			if i := strings.LastIndexByte(hp, ':'); i >= 0 && !strings.HasSuffix(hp, "]") {
				host = hp[:i]
			}
			hosts = append(hosts, strings.Trim(host, "[]"))
		}
	}
	hosts = append(hosts, u.Query()["host"]...)
	for _, h := range hosts {
		if h == "" || strings.HasPrefix(h, "/") || loopbackHost(h) || h == "::1" {
			continue
		}
		return fmt.Errorf("seed: PostgreSQL host %q is not loopback or a Unix socket: refused", h)
	}
	return nil
}

// redactDSN hides a password in a DSN for messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseSeedFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	store, err := sqlstore.Open(ctx, o.database, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	have, err := countReports(ctx, store, time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database            %s (%s), %d reports\n", redactDSN(o.database), store.Dialect(), have)
	if have < o.reports {
		add, seed := o.reports-have, o.seed+int64(have)
		fmt.Fprintf(stdout, "seeding             %d reports with seed %d ...\n", add, seed)
		start := time.Now()
		if err := sqlstoretest.Seed(ctx, store, add, seed); err != nil {
			if strings.Contains(err.Error(), "unique") || strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("%w (a tracking number of this batch exists already: try another --seed)", err)
			}
			return err
		}
		took := time.Since(start)
		after := "ANALYZE"
		if store.Dialect() == sqlstore.DialectPostgres {
			after = "VACUUM (ANALYZE)"
		}
		fmt.Fprintf(stdout, "seeded              %d reports in %.1f s (%.0f reports/s, %s included)\n",
			add, took.Seconds(), rate(add, took), after)
	} else {
		fmt.Fprintf(stdout, "nothing to seed      the database holds %d reports already (--reports %d)\n", have, o.reports)
	}
	total, err := countReports(ctx, store, time.Time{})
	if err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	from := exportFrom(time.Now(), defaultExportDays, jakarta())
	recent, err := countReports(ctx, store, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "now                 %d reports, created from %s to %s (UTC)\n",
		total, today.Add(-sqlstoretest.SeedSpan).Format(time.DateOnly), today.Format(time.DateOnly))
	fmt.Fprintf(stdout, "export (reads)      %d reports filed since %s (reads --export-days %d)\n", recent, from.Format(time.DateOnly), defaultExportDays)
	return nil
}

// countReports is the number of reports (filed at or after from, when it is
// set), from the inbox's own count query.
func countReports(ctx context.Context, s *sqlstore.Store, from time.Time) (int, error) {
	f, err := api.Filter{From: from, Page: 1, Size: 1}.Normalize()
	if err != nil {
		return 0, err
	}
	res, err := s.List(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("count reports: %w", err)
	}
	return res.Total, nil
}
