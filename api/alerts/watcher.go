package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// Reports is the report side as the watcher reads it (*api.Service).
type Reports interface {
	List(ctx context.Context, f api.Filter) (*api.ListResult, error)
	DeadLetters(ctx context.Context, q api.DeadLetterQuery) (*api.DeadLetterPage, error)
}

// WatcherConfig configures a Watcher. Reports, Notifier and Directory are
// required.
type WatcherConfig struct {
	Prefix    string
	Reports   Reports
	Notifier  *Notifier
	Directory Directory
	// AgencyOf finds the agency of a dead letter's report (see SinkConfig).
	AgencyOf func(ctx context.Context, number string) (string, error)
	// VerifyCutoff is the SLA cut-off at now: a received report created
	// before it is past its verification deadline (console's
	// Calendar.OverdueBefore). nil: no SLA alerts.
	VerifyCutoff func(now time.Time) time.Time
	// Catalog names services in new-report alerts (nil: the code).
	Catalog *flows.Catalog
	// Overlap is how far back each poll looks again, for rows committed late
	// (a transaction that began before the last poll): 2 min. Alerts are once
	// per id, so overlap never repeats one.
	Overlap time.Duration
	Now     func() time.Time
	Log     *slog.Logger
}

// Watcher finds alerts in the report store: new reports, reports that passed
// their verification deadline, dead letters of the complaint side's queues.
// The batcher polls it (one replica at a time); each source keeps a
// watermark in Redis. The first poll ever only sets the watermarks: the
// backlog is on the dashboard, not in a first alert of thousands.
type Watcher struct {
	rdb redis.UniversalClient
	k   keys
	cfg WatcherConfig
	dl  *deadLetters
}

// NewWatcher returns a watcher.
func NewWatcher(rdb redis.UniversalClient, cfg WatcherConfig) *Watcher {
	if cfg.Overlap <= 0 {
		cfg.Overlap = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{rdb: rdb, k: newKeys(cfg.Prefix), cfg: cfg,
		dl: &deadLetters{n: cfg.Notifier, dir: cfg.Directory, agencyOf: cfg.AgencyOf, log: cfg.Log}}
}

// Poll implements Source: every source is polled even when one fails.
func (w *Watcher) Poll(ctx context.Context) error {
	return errors.Join(w.newReports(ctx), w.overdue(ctx), w.deadLetters(ctx))
}

// Watermark sources.
const (
	markReports = "reports"
	markSLA     = "sla"
	markDead    = "dead"
)

// maxPages bounds one poll of one source (200 rows a page).
const maxPages = 50

// watermark returns the source's mark; ok is false on the first poll, which
// sets it to init.
func (w *Watcher) watermark(ctx context.Context, source string, init time.Time) (time.Time, bool, error) {
	v, err := w.rdb.Get(ctx, w.k.mark(source)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, w.setWatermark(ctx, source, init)
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("alerts: watermark %s: %w", source, err)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, w.setWatermark(ctx, source, init)
	}
	return t, true, nil
}

func (w *Watcher) setWatermark(ctx context.Context, source string, t time.Time) error {
	if err := w.rdb.Set(ctx, w.k.mark(source), t.UTC().Format(time.RFC3339Nano), 0).Err(); err != nil {
		return fmt.Errorf("alerts: watermark %s: %w", source, err)
	}
	return nil
}

// newReports alerts about reports created since the last poll.
func (w *Watcher) newReports(ctx context.Context) error {
	now := w.cfg.Now()
	since, ok, err := w.watermark(ctx, markReports, now)
	if !ok || err != nil {
		return err
	}
	err = w.eachReport(ctx, api.Filter{From: since.Add(-w.cfg.Overlap)}, func(r *api.Report) error {
		_, err := w.cfg.Notifier.Alert(ctx, Alert{ID: "new:" + r.Number, Kind: KindNewReport, Agency: r.Agency,
			Number: r.Number, Text: w.describe(r), At: r.CreatedAt})
		return err
	})
	if err != nil {
		return fmt.Errorf("alerts: new reports: %w", err)
	}
	return w.setWatermark(ctx, markReports, now)
}

// overdue alerts about received reports whose verification deadline passed
// since the last poll: created in [previous cut-off, cut-off). Cut-offs move
// a working day at a time.
func (w *Watcher) overdue(ctx context.Context) error {
	if w.cfg.VerifyCutoff == nil {
		return nil
	}
	cut := w.cfg.VerifyCutoff(w.cfg.Now())
	prev, ok, err := w.watermark(ctx, markSLA, cut)
	if !ok || err != nil || !cut.After(prev) {
		return err
	}
	f := api.Filter{Status: api.StatusReceived, From: prev.Add(-w.cfg.Overlap), To: cut.Add(-time.Nanosecond)}
	err = w.eachReport(ctx, f, func(r *api.Report) error {
		_, err := w.cfg.Notifier.Alert(ctx, Alert{ID: "sla:" + r.Number, Kind: KindSLA, Agency: r.Agency,
			Number: r.Number, Text: w.describe(r)})
		return err
	})
	if err != nil {
		return fmt.Errorf("alerts: overdue reports: %w", err)
	}
	return w.setWatermark(ctx, markSLA, cut)
}

// eachReport pages through the reports matching f, newest first. A report
// inserted meanwhile pushes the others to later pages: seen twice (the alert
// ids make that harmless), never skipped.
func (w *Watcher) eachReport(ctx context.Context, f api.Filter, fn func(r *api.Report) error) error {
	f.Sort, f.Size = api.SortNewest, api.MaxPageSize
	for page := 1; page <= maxPages; page++ {
		f.Page = page
		res, err := w.cfg.Reports.List(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range res.Items {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(res.Items) < f.Size || page*f.Size >= res.Total {
			return nil
		}
	}
	w.cfg.Log.Warn("alerts: more reports than one poll reads; the rest come with the next poll", "pages", maxPages)
	return nil
}

// deadLetters alerts about dead letters added or updated since the last poll
// (newest first by their last failure).
func (w *Watcher) deadLetters(ctx context.Context) error {
	now := w.cfg.Now()
	since, ok, err := w.watermark(ctx, markDead, now)
	if !ok || err != nil {
		return err
	}
	since = since.Add(-w.cfg.Overlap)
	for page := 1; page <= maxPages; page++ {
		res, err := w.cfg.Reports.DeadLetters(ctx, api.DeadLetterQuery{Page: page, Size: api.MaxPageSize})
		if err != nil {
			return fmt.Errorf("alerts: dead letters: %w", err)
		}
		for _, d := range res.Items {
			if d.LastAt.Before(since) {
				return w.setWatermark(ctx, markDead, now)
			}
			if err := w.dl.alert(ctx, d); err != nil {
				return err
			}
		}
		if len(res.Items) < api.MaxPageSize {
			break
		}
	}
	return w.setWatermark(ctx, markDead, now)
}

// describe is a new or overdue report's detail: its service and kecamatan,
// nothing the citizen wrote.
func (w *Watcher) describe(r *api.Report) string {
	s := r.Category
	if w.cfg.Catalog != nil {
		if svc, ok := w.cfg.Catalog.Service(r.Category); ok && svc.Name.ID != "" {
			s = svc.Name.ID
		}
	}
	if r.Location.Kecamatan != "" {
		s += ", " + r.Location.Kecamatan
	}
	return s
}
