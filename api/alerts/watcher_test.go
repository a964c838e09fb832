package alerts_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

type noCitizens struct{}

func (noCitizens) NotifyOnce(context.Context, string, bot.Outbound) error { return nil }
func (noCitizens) StartFlowOnce(context.Context, string, string, string, string, string, string) error {
	return nil
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// The watcher finds new reports, reports past their verification deadline
// and the complaint side's dead letters in the report database; each once,
// and nothing of the backlog it found at its first poll.
func TestAlertWatcher(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) { testWatcher(t, dialect) })
	}
}

func testWatcher(t *testing.T, dialect string) {
	e := newEnv(t)
	store := sqlstoretest.Open(t, dialect)
	catalog := &flows.Catalog{Services: []flows.Service{
		{Code: "jalan", Agency: "DPUBMSDA", Name: flows.Text{ID: "Jalan dan jembatan", EN: "Roads and bridges"}},
		{Code: "sampah", Agency: "DLHK", Name: flows.Text{ID: "Sampah dan kebersihan", EN: "Waste"}},
	}}
	svc := api.NewService(store, e.rdb, e.prefix, catalog, noCitizens{}, nil, nil)
	t0 := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	clk := &clock{t: t0}
	var mu sync.Mutex
	cut := t0.Add(-48 * time.Hour)
	w := alerts.NewWatcher(e.rdb, alerts.WatcherConfig{Prefix: e.prefix, Reports: svc, Notifier: e.n, Directory: e.dir,
		Catalog: catalog, Now: clk.now,
		VerifyCutoff: func(time.Time) time.Time { mu.Lock(); defer mu.Unlock(); return cut }})
	report := func(number, category, agency string, status api.Status, at time.Time) {
		t.Helper()
		r := &api.Report{Number: number, Category: category, Agency: agency, Title: "Judul rahasia warga",
			Description: "Uraian", Status: status, CreatedAt: at, Identity: api.IdentityPublic, Source: "chat",
			Location: api.Location{Kecamatan: "Waru"}}
		if _, err := store.Create(ctxT(t), r, nil); err != nil {
			t.Fatalf("create %s: %v", number, err)
		}
	}
	queued := func() []string {
		t.Helper()
		xs, err := e.rdb.XRange(ctxT(t), e.prefix+":{alerts}:stream", "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range xs {
			out = append(out, x.Values["kind"].(string)+" "+x.Values["number"].(string)+" "+x.Values["agency"].(string))
		}
		return out
	}
	poll := func(want ...string) {
		t.Helper()
		before := len(queued())
		if err := w.Poll(ctxT(t)); err != nil {
			t.Fatalf("Poll: %v", err)
		}
		got := queued()[before:]
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("poll queued %q, want %q", got, want)
		}
	}

	// The backlog: an old received report (overdue), a dead letter.
	report("SDA-OLD001", "jalan", "DPUBMSDA", api.StatusReceived, t0.Add(-30*24*time.Hour))
	if err := store.AddDeadLetter(ctxT(t), api.DeadLetter{Kind: api.DeadWebhook, Stream: "s:hooks", Entry: "1-0",
		Error: "500", FirstAt: t0.Add(-time.Hour), LastAt: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	poll() // the first poll only sets the watermarks

	clk.add(5 * time.Minute)
	report("SDA-NEW001", "jalan", "DPUBMSDA", api.StatusReceived, t0.Add(time.Minute))
	report("SDA-NEW002", "sampah", "DLHK", api.StatusVerified, t0.Add(2*time.Minute))
	if err := store.AddDeadLetter(ctxT(t), api.DeadLetter{Kind: api.DeadForward, Stream: "s:fwd", Entry: "7-0",
		Number: "SDA-NEW001", Error: "400", FirstAt: t0.Add(3 * time.Minute), LastAt: t0.Add(3 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	poll("new_report SDA-NEW002 DLHK", "new_report SDA-NEW001 DPUBMSDA", "not_filed SDA-NEW001 DPUBMSDA")

	// A working day later the cut-off passes both new reports: only the one
	// still waiting for verification is overdue.
	clk.add(24 * time.Hour)
	mu.Lock()
	cut = t0.Add(time.Hour)
	mu.Unlock()
	poll("sla SDA-NEW001 DPUBMSDA")
	clk.add(time.Minute)
	poll() // nothing twice

	if _, err := e.batcher(nil).Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	msgs := e.telegram("9001")
	if len(msgs) != 1 {
		t.Fatalf("supervisor got %d messages, want 1", len(msgs))
	}
	for _, want := range []string{
		"Laporan baru / New report: SDA-NEW001 — Jalan dan jembatan, ",
		"Lewat batas waktu verifikasi / Past its SLA: SDA-NEW001",
		"Laporan tidak terkirim ke instansi / Report not filed: SDA-NEW001",
	} {
		if !strings.Contains(msgs[0].Text, want) {
			t.Errorf("supervisor's message lacks %q:\n%s", want, msgs[0].Text)
		}
	}
	if strings.Contains(msgs[0].Text, "Judul rahasia") {
		t.Errorf("a citizen's title reached an alert:\n%s", msgs[0].Text)
	}
	if dlhk := e.telegram("9003"); len(dlhk) != 1 || strings.Contains(dlhk[0].Text, "SDA-NEW001") {
		t.Errorf("DLHK admin got %d messages, want 1 with their report only", len(dlhk))
	}
}
