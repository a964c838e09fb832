package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api/open311"
)

func fastRetry() Retry {
	return Retry{MaxAttempts: 5, Base: 20 * time.Millisecond, Max: 100 * time.Millisecond, ReclaimIdle: 300 * time.Millisecond}
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
func quick(f *Forwarder) *Forwarder {
	f.box.block = 50 * time.Millisecond
	return f
}

func (e *env) forwardedNotices() int {
	n := 0
	for _, s := range e.notes.texts() {
		if strings.Contains(s, "sudah diterima oleh instansi") {
			n++
		}
	}
	return n
}

func externalCfg(f *fake311) Config {
	return Config{ComplaintAPIURL: f.url(), ComplaintAPIKey: "ext-key", Retry: fastRetry(),
		HTTPTimeout: 2 * time.Second}
}

func TestForwardBuiltIn(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-FWD001", "telegram", "9", "public")); err != nil {
		t.Fatal(err)
	}
	run(t, quick(NewForwarder(e.svc, Config{Retry: fastRetry()})).Run)
	eventually(t, "forwarded", func() bool {
		r, _ := e.svc.Get(ctx, "SDA-FWD001")
		return r.Forwarded() && e.forwardedNotices() == 1
	})
	r, _ := e.svc.Get(ctx, "SDA-FWD001")
	if r.ServiceRequestID != "SDA-FWD001" || r.External {
		t.Fatalf("built-in forward: id %q external %v", r.ServiceRequestID, r.External)
	}
	eventually(t, "finished entry deleted", func() bool {
		n, err := e.svc.rdb.XLen(ctx, e.svc.k.fwdStream()).Result()
		return err == nil && n == 0
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
			run(t, quick(NewForwarder(e.svc, cfg)).Run)
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
			if n, _ := e.svc.rdb.HGet(ctx, e.svc.k.extID(), "EXT-1").Result(); n != "SDA-EXT001" {
				t.Fatalf("external id maps to %q", n)
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
	stop := run(t, quick(NewForwarder(e.svc, externalCfg(f))).Run)
	var dead []DeadLetter
	eventually(t, "dead letter", func() bool {
		dead, _ = e.svc.DeadLetters(ctx)
		return len(dead) == 1
	})
	time.Sleep(100 * time.Millisecond)
	if posts, _ := f.counts(); posts != 1 {
		t.Fatalf("400 was tried %d times, want 1", posts)
	}
	d := dead[0]
	if d.Kind != DeadForward || d.Number != "SDA-BAD400" || d.Attempts != 1 || !strings.Contains(d.Error, "400") {
		t.Fatalf("dead letter %+v", d)
	}
	if e.forwardedNotices() != 0 {
		t.Fatal("citizen told of a forward that failed")
	}
	stop()
	f.mu.Lock()
	fail = false
	f.mu.Unlock()
	if err := e.svc.RetryDeadLetter(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RetryDeadLetter(ctx, d.ID); HTTPStatus(err) != 404 {
		t.Fatalf("second retry of one dead letter: %v", err)
	}
	run(t, quick(NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "forwarded after retry", func() bool {
		r, _ := e.svc.Get(ctx, "SDA-BAD400")
		return r.Forwarded()
	})
	if dead, _ := e.svc.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("dead letters left: %+v", dead)
	}
}

func TestForwardTooManyAttempts(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	f := newFake311(t, func(int) (int, string, time.Duration) { return 503, "", 0 })
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-RETRY5", "telegram", "9", "public"))
	run(t, quick(NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "dead letter after max attempts", func() bool {
		d, _ := e.svc.DeadLetters(ctx)
		return len(d) == 1 && d[0].Attempts == fastRetry().MaxAttempts
	})
	if posts, _ := f.counts(); posts != fastRetry().MaxAttempts {
		t.Fatalf("%d posts, want %d", posts, fastRetry().MaxAttempts)
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
			if _, err := c.PostRequest(ctxT(t), forwardForm(r), r.Number); err != nil {
				t.Fatal(err)
			}
		}, 2},
		{"died after recording, before the ack", func(t *testing.T, e *env, f *fake311, m redis.XMessage) {
			fw := NewForwarder(e.svc, externalCfg(f))
			if err := fw.handle(ctxT(t), m); err != nil {
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
			ghost := NewForwarder(e.svc, Config{Consumer: "ghost"}).box
			if err := ghost.ensureGroup(ctx); err != nil {
				t.Fatal(err)
			}
			msgs, err := ghost.read(ctx, ">", -1)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("ghost read %d entries (%v)", len(msgs), err)
			}
			tc.ghost(t, e, f, msgs[0]) // ... and dies without XACK
			run(t, quick(NewForwarder(e.svc, externalCfg(f))).Run)
			eventually(t, "taken over and acknowledged", func() bool {
				p, err := e.svc.rdb.XPending(ctx, e.svc.k.fwdStream(), groupForwarders).Result()
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
	if err := e.svc.rdb.XAdd(ctx, &redis.XAddArgs{Stream: e.svc.k.fwdStream(),
		Values: map[string]any{"number": "SDA-GONE00"}}).Err(); err != nil {
		t.Fatal(err)
	}
	run(t, quick(NewForwarder(e.svc, Config{Retry: fastRetry()})).Run)
	eventually(t, "dead letter", func() bool {
		d, _ := e.svc.DeadLetters(ctx)
		return len(d) == 1 && d[0].Number == "SDA-GONE00" && d[0].Attempts == 1
	})
}
