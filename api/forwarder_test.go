package api_test

import (
	"fmt"
	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
	"strconv"

	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api/open311"
	"github.com/aduan-id/aduan/bot/queue"
)

// fastRetry is the queue policy squeezed into test time: a transient
// failure is retried for 1.5 s, then dead-lettered.
func fastRetry() queue.Policy {
	return queue.Policy{MaxAge: 1500 * time.Millisecond, BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond}
}

// fast makes a config quick for tests: brief blocking on empty streams,
// entries of a dead consumer taken over within a few seconds.
func fast(c api.Config) api.Config {
	c.Policy, c.Block, c.ReclaimIdle = fastRetry(), 50*time.Millisecond, 2*time.Second
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = 2 * time.Second
	}
	return c
}

// run starts a Run(ctx) func in the background until the test ends.
func run(t *testing.T, fn func(context.Context) error) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = fn(ctx) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return cancel
}

// quick makes a forwarder block briefly on an empty stream, so tests stop fast.
func quick(f *api.Forwarder) *api.Forwarder { return f }

func (e *env) forwardedNotices() int {
	n := 0
	for _, s := range e.notes.texts() {
		if strings.Contains(s, "sudah diterima oleh instansi") {
			n++
		}
	}
	return n
}

func externalCfg(f *fake311) api.Config {
	return fast(api.Config{ComplaintAPIURL: f.url(), ComplaintAPIKey: "ext-key", HTTPTimeout: 2 * time.Second})
}

func TestForwardBuiltIn(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-FWD001", "telegram", "9", "public")); err != nil {
		t.Fatal(err)
	}
	run(t, quick(api.NewForwarder(e.svc, fast(api.Config{}))).Run)
	eventually(t, "forwarded", func() bool {
		r, _ := e.svc.Get(ctx, "SDA-FWD001")
		return r.Forwarded() && e.forwardedNotices() == 1
	})
	r, _ := e.svc.Get(ctx, "SDA-FWD001")
	if r.ServiceRequestID != "SDA-FWD001" || r.External {
		t.Fatalf("built-in forward: id %q external %v", r.ServiceRequestID, r.External)
	}
	eventually(t, "finished entry acknowledged", func() bool {
		p, err := e.svc.RDB().XPending(ctx, e.svc.FwdStream(), api.GroupForwarders).Result()
		return err == nil && p.Count == 0
	})
	if !strings.Contains(e.notes.texts()[0], "Dinas Pekerjaan Umum") {
		t.Fatalf("notice %q lacks the agency", e.notes.texts()[0])
	}
}

func TestForwardExternal(t *testing.T) {
	tests := []struct {
		name      string
		script    func(n int) (int, string, time.Duration)
		timeout   time.Duration
		wantPosts int
		check     func(t *testing.T, f *fake311)
	}{
		{"500 then 201", func(n int) (int, string, time.Duration) {
			if n == 1 {
				return 500, "", 0
			}
			return 201, "", 0
		}, 0, 2, nil},
		{"answer after our timeout", func(n int) (int, string, time.Duration) {
			if n == 1 {
				return 201, "", 700 * time.Millisecond // committed, answered too late
			}
			return 201, "", 0
		}, 200 * time.Millisecond, 2, func(t *testing.T, f *fake311) {
			if f.keys[0] != "SDA-EXT001" || f.keys[1] != "SDA-EXT001" {
				t.Fatalf("idempotency keys %q, want the tracking number twice", f.keys)
			}
		}},
		{"429 with Retry-After", func(n int) (int, string, time.Duration) {
			if n == 1 {
				return 429, "1", 0
			}
			return 201, "", 0
		}, 0, 2, func(t *testing.T, f *fake311) {
			if gap := f.posts[1].Sub(f.posts[0]); gap < time.Second {
				t.Fatalf("retried %s after a 429 with Retry-After: 1", gap)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := ctxT(t)
			f := newFake311(t, tc.script)
			if err := e.svc.HandleAction(ctx, submitEnv("SDA-EXT001", "telegram", "9", "public")); err != nil {
				t.Fatal(err)
			}
			cfg := externalCfg(f)
			if tc.timeout > 0 {
				cfg.HTTPTimeout = tc.timeout
			}
			run(t, quick(api.NewForwarder(e.svc, cfg)).Run)
			eventually(t, "forwarded and told", func() bool {
				r, _ := e.svc.Get(ctx, "SDA-EXT001")
				return r.Forwarded() && e.forwardedNotices() == 1
			})
			time.Sleep(100 * time.Millisecond) // a duplicate would show now
			posts, reports := f.counts()
			if reports != 1 || posts != tc.wantPosts || e.forwardedNotices() != 1 {
				t.Fatalf("fake holds %d reports after %d posts, %d notices; want 1, %d, 1",
					reports, posts, e.forwardedNotices(), tc.wantPosts)
			}
			r, _ := e.svc.Get(ctx, "SDA-EXT001")
			if r.ServiceRequestID != "EXT-1" || !r.External {
				t.Fatalf("mapping: %q external=%v", r.ServiceRequestID, r.External)
			}
			if byExt, err := e.store.GetByExternalID(ctx, "EXT-1"); err != nil || byExt.Number != "SDA-EXT001" {
				t.Fatalf("external id EXT-1 does not find the report: %v", err)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

func TestForward400DeadLetterThenRetry(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	fail := true
	f := newFake311(t, func(int) (int, string, time.Duration) {
		if fail {
			return 400, "", 0
		}
		return 201, "", 0
	})
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-BAD400", "telegram", "9", "anonim"))
	stop := run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
	var dead []api.DeadLetter
	eventually(t, "dead letter", func() bool {
		dead, _ = e.deadLetters(ctx)
		return len(dead) == 1
	})
	time.Sleep(100 * time.Millisecond)
	if posts, _ := f.counts(); posts != 1 {
		t.Fatalf("400 was tried %d times, want 1", posts)
	}
	d := dead[0]
	if d.Kind != api.DeadForward || d.Number != "SDA-BAD400" || d.Attempts != 1 || !strings.Contains(d.Error, "400") {
		t.Fatalf("dead letter %+v", d)
	}
	if e.forwardedNotices() != 0 {
		t.Fatal("citizen told of a forward that failed")
	}
	stop()
	f.mu.Lock()
	fail = false
	f.mu.Unlock()
	if err := e.svc.RetryDeadLetter(ctx, d.ID, "admin1"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RetryDeadLetter(ctx, d.ID, "admin1"); api.HTTPStatus(err) != 404 {
		t.Fatalf("second retry of one dead letter: %v", err)
	}
	run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "forwarded after retry", func() bool {
		r, _ := e.svc.Get(ctx, "SDA-BAD400")
		return r.Forwarded()
	})
	if dead, _ := e.deadLetters(ctx); len(dead) != 0 {
		t.Fatalf("dead letters left: %+v", dead)
	}
}

// An API that keeps failing (503) is retried with backoff until the
// report's first failure is the policy's MaxAge old; then the report is a
// dead letter on the console's page, its timeline says so, and the citizen is
// told once that an officer will follow up.
func TestForwardGivesUpAfterMaxAge(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	f := newFake311(t, func(int) (int, string, time.Duration) { return 503, "", 0 })
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-RETRY5", "telegram", "9", "public"))
	run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "dead letter after the max age", func() bool {
		d, _ := e.deadLetters(ctx)
		return len(d) == 1
	})
	d, _ := e.deadLetters(ctx)
	if posts, _ := f.counts(); posts < 3 || d[0].Attempts != posts || d[0].Kind != api.DeadForward ||
		d[0].Number != "SDA-RETRY5" || !strings.Contains(d[0].Error, "503") {
		t.Fatalf("%d posts; dead letter %+v", posts, d[0])
	}
	eventually(t, "citizen told", func() bool {
		n := 0
		for _, s := range e.notes.texts() {
			n += strings.Count(s, "belum bisa kami teruskan")
		}
		return n == 1
	})
	r, _ := e.svc.Get(ctx, "SDA-RETRY5")
	if countEvents(r, api.EventForwardFailed) != 1 || r.Forwarded() {
		t.Fatalf("timeline %+v", r.Timeline)
	}
}

// A forwarder that died before its XACK: another one takes the entry over.
func TestForwardReclaimAfterCrash(t *testing.T) {
	tests := []struct {
		name string
		// ghost is what the dead forwarder did after reading the entry.
		ghost     func(t *testing.T, e *env, f *fake311, m redis.XMessage)
		wantPosts int
	}{
		{"died before posting", func(*testing.T, *env, *fake311, redis.XMessage) {}, 1},
		{"died after the API's success, before recording", func(t *testing.T, e *env, f *fake311, m redis.XMessage) {
			r, _ := e.svc.Get(ctxT(t), "SDA-CRASH1")
			c := &open311.Client{BaseURL: f.url(), APIKey: "ext-key"}
			if _, err := c.PostRequest(ctxT(t), api.ForwardForm(r), r.Number); err != nil {
				t.Fatal(err)
			}
		}, 2},
		{"died after recording, before the ack", func(t *testing.T, e *env, f *fake311, m redis.XMessage) {
			fw := api.NewForwarder(e.svc, externalCfg(f))
			if err := fw.Handle(ctxT(t), m); err != nil {
				t.Fatal(err)
			}
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := ctxT(t)
			f := newFake311(t, nil)
			_ = e.svc.HandleAction(ctx, submitEnv("SDA-CRASH1", "telegram", "9", "public"))
			e.drain(t)
			msgs, err := api.NewForwarder(e.svc, fast(api.Config{Consumer: "ghost"})).ReadNew(ctx)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("ghost read %d entries (%v)", len(msgs), err)
			}
			tc.ghost(t, e, f, msgs[0]) // ... and dies without XACK
			run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
			eventually(t, "taken over and acknowledged", func() bool {
				p, err := e.svc.RDB().XPending(ctx, e.svc.FwdStream(), api.GroupForwarders).Result()
				r, _ := e.svc.Get(ctx, "SDA-CRASH1")
				return err == nil && p.Count == 0 && r.Forwarded()
			})
			posts, reports := f.counts()
			if reports != 1 || posts != tc.wantPosts || e.forwardedNotices() != 1 {
				t.Fatalf("fake holds %d reports after %d posts, %d notices; want 1, %d, 1",
					reports, posts, e.forwardedNotices(), tc.wantPosts)
			}
		})
	}
}

// An entry naming no existing report cannot succeed: dead letter at once.
func TestForwardPoisonEntry(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.RDB().XAdd(ctx, &redis.XAddArgs{Stream: e.svc.FwdStream(),
		Values: map[string]any{"number": "SDA-GONE00"}}).Err(); err != nil {
		t.Fatal(err)
	}
	run(t, quick(api.NewForwarder(e.svc, fast(api.Config{}))).Run)
	eventually(t, "dead letter", func() bool {
		d, _ := e.deadLetters(ctx)
		return len(d) == 1 && d[0].Number == "SDA-GONE00" && d[0].Attempts == 1
	})
}

// A description longer than the target accepts (the bot allows 12,000
// characters; GeoReport v2 servers take 4,000) is cut at a sentence boundary
// and filed, not refused into a dead letter; the full text stays in Aduan.
func TestForwardAdaptsLongDescription(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	f := newFake311(t, nil)
	env := submitEnv("SDA-LONG01", "telegram", "9", "public")
	sentence := "Lubang besar di depan pasar membuat pengendara motor jatuh setiap malam. "
	env.Action.Fields["description"] = strings.Repeat(sentence, 4100/len(sentence)+1)
	if err := e.svc.HandleAction(ctx, env); err != nil {
		t.Fatal(err)
	}
	run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "forwarded", func() bool {
		r, _ := e.svc.Get(ctx, "SDA-LONG01")
		return r.Forwarded()
	})
	posts, reports := f.counts()
	if posts != 1 || reports != 1 {
		t.Fatalf("%d posts, %d reports at the API; want 1, 1", posts, reports)
	}
	f.mu.Lock()
	desc := f.forms[0].Get("description")
	f.mu.Unlock()
	if n := utf8.RuneCountInString(desc); n > 4000 || !strings.Contains(desc, "pengendara motor jatuh setiap malam.\n\n[Uraian dipotong") {
		t.Fatalf("description of %d characters does not end a sentence before the note:\n...%s", n, desc[max(0, len(desc)-200):])
	}
	r, _ := e.svc.Get(ctx, "SDA-LONG01")
	if utf8.RuneCountInString(r.Description) < 4100 {
		t.Fatalf("the record lost the full text: %d characters", utf8.RuneCountInString(r.Description))
	}
	if dead, _ := e.deadLetters(ctx); len(dead) != 0 {
		t.Fatalf("dead letters: %+v", dead)
	}
	if e.forwardedNotices() != 1 {
		t.Fatalf("citizen told %d times", e.forwardedNotices())
	}
}

func TestFitDescription(t *testing.T) {
	tests := []struct {
		name, in  string
		limit     int
		wantCut   bool
		wantEnds  string
		wantUnder int
	}{
		{"fits", "Jalan rusak.", 4000, false, "Jalan rusak.", 4000},
		{"no limit", strings.Repeat("a", 5000), 0, false, "a", 5000},
		{"sentence boundary", strings.Repeat("Satu dua tiga. ", 40), 300, true, "tiga.\n\n[Uraian dipotong: teks lengkap 600 karakter tersimpan di Aduan, laporan SDA-X]", 300},
		{"one long word", strings.Repeat("a", 500), 200, true, "SDA-X]", 200},
		{"multibyte", strings.Repeat("Jalan rusak parah 🚧. ", 30), 200, true, "🚧.\n\n[Uraian dipotong: teks lengkap 630 karakter tersimpan di Aduan, laporan SDA-X]", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := api.FitDescription(tt.in, "SDA-X", tt.limit)
			if cut != tt.wantCut || !strings.HasSuffix(got, tt.wantEnds) || utf8.RuneCountInString(got) > tt.wantUnder || !utf8.ValidString(got) {
				t.Fatalf("cut=%v len=%d ends %q", cut, utf8.RuneCountInString(got), got[max(0, len(got)-120):])
			}
		})
	}
}

// The forwarder's fault table: each row ends with every report filed exactly
// once at the API, none lost, none dead, and the citizen told once each.
func TestForwardFaults(t *testing.T) {
	tests := []struct {
		name    string
		reports int
		script  func(n int) (int, string, time.Duration)
		hang    bool // the first report's POSTs hang forever
		policy  func(p *queue.Policy)
		wantLog string
	}{
		{name: "500 then 201", reports: 1, script: func(n int) (int, string, time.Duration) {
			if n == 1 {
				return 500, "", 0
			}
			return 201, "", 0
		}},
		{name: "429 with Retry-After for longer than the max age, then 201", reports: 1,
			script: func(n int) (int, string, time.Duration) {
				if n <= 4 { // 4 s of 429s against a 1.5 s max age: never counted
					return 429, "1", 0
				}
				return 201, "", 0
			}},
		{name: "Retry-After of a year is capped", reports: 1,
			script: func(n int) (int, string, time.Duration) {
				if n == 1 {
					return 429, "31536000", 0
				}
				return 201, "", 0
			},
			policy:  func(p *queue.Policy) { p.RetryAfterCap = 300 * time.Millisecond },
			wantLog: "capped"},
		{name: "a hanging API does not hold up the other 19", reports: 20, hang: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := ctxT(t)
			f := newFake311(t, tc.script)
			if tc.hang {
				f.hang = "SDA-FLT000"
			}
			for i := range tc.reports {
				if err := e.svc.HandleAction(ctx, submitEnv(fmt.Sprintf("SDA-FLT%03d", i), "telegram", strconv.Itoa(100+i), "public")); err != nil {
					t.Fatal(err)
				}
			}
			cfg := externalCfg(f)
			if tc.policy != nil {
				tc.policy(&cfg.Policy)
			}
			run(t, api.NewForwarder(e.svc, cfg).Run)
			want := tc.reports
			if tc.hang {
				want-- // the hanging one keeps being retried meanwhile
			}
			eventually(t, "every report filed", func() bool {
				_, reports := f.counts()
				return reports == want
			})
			for i := range tc.reports {
				r, _ := e.svc.Get(ctx, fmt.Sprintf("SDA-FLT%03d", i))
				if tc.hang && i == 0 {
					if r.Forwarded() {
						t.Fatal("the hanging report was marked forwarded")
					}
					continue
				}
				if !r.Forwarded() {
					eventually(t, r.Number+" recorded as forwarded", func() bool {
						r, _ := e.svc.Get(ctx, r.Number)
						return r.Forwarded()
					})
				}
			}
			if dead, _ := e.deadLetters(ctx); len(dead) != 0 {
				t.Fatalf("dead letters: %+v", dead)
			}
			eventually(t, "each citizen told once", func() bool { return e.forwardedNotices() == want })
			if tc.wantLog != "" && !strings.Contains(e.logs.String(), tc.wantLog) {
				t.Errorf("log does not say %q", tc.wantLog)
			}
		})
	}
}

// The service's own questions and an approximate date travel from the chat
// to the record and on to the complaint API (attribute[code], the date's
// note in the description); the service definition lists the question.
func TestAttributesAndDateNoteForwarded(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnvOn(t, dialect)
		ctx := ctxT(t)
		f := newFake311(t, nil)
		env := submitEnv("SDA-ATT001", "telegram", "9", "public")
		env.Action.Fields["attr.hole_size"] = "besar"
		env.Action.Fields["date"] = "2026-11-23"
		env.Action.Fields["date_approx"] = "1"
		env.Action.Fields["date_text"] = "minggu lalu"
		if err := e.svc.HandleAction(ctx, env); err != nil {
			t.Fatal(err)
		}
		r, _ := e.svc.Get(ctx, "SDA-ATT001")
		if r.Attributes["hole_size"] != "besar" || r.IncidentDateNote != "sekitar (minggu lalu)" {
			t.Fatalf("stored: attributes %v, date note %q", r.Attributes, r.IncidentDateNote)
		}
		run(t, api.NewForwarder(e.svc, externalCfg(f)).Run)
		eventually(t, "forwarded", func() bool { _, n := f.counts(); return n == 1 })
		f.mu.Lock()
		form := f.forms[0]
		f.mu.Unlock()
		if form.Get("attribute[hole_size]") != "besar" || !strings.Contains(form.Get("description"), "2026-11-23 — sekitar (minggu lalu)") {
			t.Fatalf("forwarded form: %v", form)
		}
	})
	e := newEnv(t)
	ec := echo.New()
	api.RegisterOpen311(ec.Group("/open311/v2"), e.svc, nil)
	if body := do(ec, "GET", "/open311/v2/services/jalan.json", nil, nil).Body.String(); !strings.Contains(body, `"code":"hole_size"`) {
		t.Fatalf("the service definition lacks the service's own question: %s", body)
	}
}
