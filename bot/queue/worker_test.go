package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/redistest"
)

// testWorkerConfig is quick: short blocks and reclaim times, tiny backoff.
func testWorkerConfig(stream string, sink DeadLetterSink, handle func(context.Context, Message) error) WorkerConfig {
	return WorkerConfig{Name: "test", Streams: []string{stream}, Group: "g", Consumer: "me", Handle: handle,
		DeadLetters: sink, Block: 100 * time.Millisecond, HandleTimeout: time.Second, ReclaimIdle: 3 * time.Second,
		Policy:   Policy{BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, MaxAge: time.Hour},
		Describe: func(m Message) Description { return Description{Number: "SDA-" + m.Values["n"], Target: "t"} }}
}

// startWorker runs a Worker until the returned stop is called (or the test ends).
func startWorker(t *testing.T, rdb redis.UniversalClient, cfg WorkerConfig, log *slog.Logger) (*Worker, func()) {
	t.Helper()
	w := NewWorker(rdb, cfg, log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return w, stop
}

// settled reports that group g read and acknowledged every entry of stream.
func settled(t *testing.T, rdb redis.UniversalClient, stream string) bool {
	t.Helper()
	ctx := context.Background()
	info, err := rdb.XInfoStream(ctx, stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	gs, err := rdb.XInfoGroups(ctx, stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Name == "g" && (g.Pending > 0 || g.LastDeliveredID != info.LastGeneratedID) {
			return false
		}
	}
	return true
}

// counter counts handler calls.
type counter struct{ n atomic.Int64 }

func (c *counter) next() int { return int(c.n.Add(1)) }

func TestWorkerRetryPolicy(t *testing.T) {
	boom := errors.New("503 Service Unavailable")
	year := 365 * 24 * time.Hour
	for _, tc := range []struct {
		name      string
		policy    Policy
		fail      func(call int) error
		wantCalls func(n int) bool
		wantDead  bool
		wantLog   string
		checkDead func(t *testing.T, d DeadLetter, calls int)
	}{
		{name: "429 with Retry-After, many times, MaxAge long past: never dead, then done",
			policy: Policy{MaxAge: time.Millisecond},
			fail: func(n int) error {
				if n <= 15 {
					return After(boom, 20*time.Millisecond)
				}
				return nil
			},
			wantCalls: func(n int) bool { return n == 16 }},
		{name: "Retry-After of a year: capped, logged, retried after the cap",
			policy: Policy{RetryAfterCap: 100 * time.Millisecond},
			fail: func(n int) error {
				if n == 1 {
					return fmt.Errorf("api: %w", After(boom, year))
				}
				return nil
			},
			wantCalls: func(n int) bool { return n == 2 }, wantLog: "Retry-After capped"},
		{name: "permanent: dead at once",
			fail:      func(int) error { return Permanent(errors.New("400 Bad Request: no such service")) },
			wantCalls: func(n int) bool { return n == 1 }, wantDead: true,
			checkDead: func(t *testing.T, d DeadLetter, calls int) {
				if !strings.Contains(d.Error, "400 Bad Request") || d.Attempts != 1 {
					t.Errorf("dead letter %+v", d)
				}
			}},
		{name: "transient: backed off until MaxAge, then dead",
			policy:    Policy{MaxAge: 300 * time.Millisecond, BackoffBase: 10 * time.Millisecond, BackoffMax: 40 * time.Millisecond},
			fail:      func(int) error { return boom },
			wantCalls: func(n int) bool { return n >= 3 }, wantDead: true,
			checkDead: func(t *testing.T, d DeadLetter, calls int) {
				if d.Attempts != calls || d.LastAt.Sub(d.FirstAt) < 300*time.Millisecond || !strings.Contains(d.Error, "503") {
					t.Errorf("dead letter %+v after %d calls", d, calls)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, prefix, stream := testStream(t)
			sink := NewStreamSink(rdb, prefix+":dead", 100, nil)
			logs := &logBuffer{}
			var calls counter
			cfg := testWorkerConfig(stream, sink, func(ctx context.Context, m Message) error { return tc.fail(calls.next()) })
			if tc.policy != (Policy{}) {
				cfg.Policy = tc.policy
			}
			id := add(t, rdb, stream, 7)
			w, stop := startWorker(t, rdb, cfg, slog.New(slog.NewTextHandler(logs, nil)))
			waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
			stop()
			n := int(calls.n.Load())
			if !tc.wantCalls(n) {
				t.Errorf("%d handler calls", n)
			}
			dead, err := sink.List(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(dead) == 1; got != tc.wantDead || len(dead) > 1 {
				t.Fatalf("%d dead letters, want dead=%v", len(dead), tc.wantDead)
			}
			st := w.Stats()
			if tc.wantDead {
				d := dead[0]
				if d.Kind != "test" || d.Stream != stream || d.Entry != id || d.Number != "SDA-7" || d.Target != "t" ||
					d.Payload["n"] != "7" || d.ID == "" || d.FirstAt.IsZero() {
					t.Errorf("dead letter %+v", d)
				}
				tc.checkDead(t, d, n)
				if st.Dead != 1 || st.Handled != 0 {
					t.Errorf("stats %+v", st)
				}
			} else if st.Handled != 1 || st.Dead != 0 || st.Retried != int64(n-1) {
				t.Errorf("stats %+v after %d calls", st, n)
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("log lacks %q:\n%s", tc.wantLog, logs.String())
			}
			if n := rdb.HLen(context.Background(), RetryKey(stream, "g")).Val(); n != 0 {
				t.Errorf("%d retry states left behind", n)
			}
		})
	}
}

// A crash after the dead letter was written and before the entry was
// acknowledged: the entry comes back, is given up again, and the sink keeps
// one dead letter.
func TestWorkerCrashBetweenDeadLetterAndAck(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	sink := NewStreamSink(rdb, prefix+":dead", 100, nil)
	add(t, rdb, stream, 1)
	refuse := func(context.Context, Message) error { return Permanent(errors.New("400")) }

	crashed := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{redistest.Addr()}})
	crashingSink := sinkFunc(func(ctx context.Context, d DeadLetter) error {
		err := sink.AddDeadLetter(ctx, d)
		_ = crashed.Close() // the process dies right after the write
		return err
	})
	cfgA := testWorkerConfig(stream, crashingSink, refuse)
	cfgA.Consumer = "a"
	_, stopA := startWorker(t, crashed, cfgA, nil)
	waitFor(t, "first dead letter", func() bool { d, _ := sink.List(context.Background(), 10); return len(d) == 1 })
	stopA()
	if p := rdb.XPending(context.Background(), stream, "g").Val(); p.Count != 1 {
		t.Fatalf("the crashed worker acknowledged the entry (pending %+v)", p)
	}

	cfgB := testWorkerConfig(stream, sink, refuse)
	cfgB.Consumer, cfgB.ReclaimIdle, cfgB.HandleTimeout = "b", 300*time.Millisecond, 100*time.Millisecond
	wB, _ := startWorker(t, rdb, cfgB, nil)
	waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
	dead, err := sink.List(context.Background(), 10)
	if err != nil || len(dead) != 1 {
		t.Fatalf("%d dead letters, %v; want 1", len(dead), err)
	}
	if st := wB.Stats(); st.Reclaimed != 1 || st.Dead != 1 {
		t.Fatalf("stats %+v", st)
	}
}

type sinkFunc func(ctx context.Context, d DeadLetter) error

func (f sinkFunc) AddDeadLetter(ctx context.Context, d DeadLetter) error { return f(ctx, d) }

// The sink is down: the entry is not acknowledged, the handler is not run
// again, and the write is tried again until it works.
func TestWorkerSinkDownKeepsEntryPending(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	sink := NewStreamSink(rdb, prefix+":dead", 100, nil)
	var writes counter
	pendingWhileDown := make(chan int64, 10)
	flaky := sinkFunc(func(ctx context.Context, d DeadLetter) error {
		if writes.next() <= 3 {
			pendingWhileDown <- rdb.XPending(ctx, stream, "g").Val().Count
			return errors.New("database is down")
		}
		return sink.AddDeadLetter(ctx, d)
	})
	var calls counter
	add(t, rdb, stream, 1)
	w, _ := startWorker(t, rdb, testWorkerConfig(stream, flaky, func(context.Context, Message) error {
		calls.next()
		return Permanent(errors.New("400"))
	}), nil)
	waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
	close(pendingWhileDown)
	for p := range pendingWhileDown {
		if p != 1 {
			t.Fatalf("entry acknowledged while its dead letter was not written (pending %d)", p)
		}
	}
	if n := calls.n.Load(); n != 1 {
		t.Errorf("handler ran %d times; a failed dead-letter write must not re-run it", n)
	}
	if dead, _ := sink.List(context.Background(), 10); len(dead) != 1 || writes.n.Load() != 4 {
		t.Fatalf("%d dead letters after %d writes", len(dead), writes.n.Load())
	}
	if st := w.Stats(); st.Dead != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// The attempt count and the first failure survive a restart: the restarted
// worker sees them, and MaxAge counts from the first failure before it.
func TestWorkerRestartKeepsRetryState(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	sink := NewStreamSink(rdb, prefix+":dead", 100, nil)
	id := add(t, rdb, stream, 1)
	var calls counter
	seen := make(chan RetryState, 10)
	handle := func(ctx context.Context, m Message) error {
		seen <- m.Retry
		switch calls.next() {
		case 1:
			return errors.New("timeout") // counted: the first failure
		case 2:
			return After(errors.New("429"), 2*time.Second) // not counted; stop during the wait
		}
		return errors.New("timeout again")
	}
	cfg := testWorkerConfig(stream, sink, handle)
	cfg.Policy.MaxAge = 100 * time.Millisecond
	_, stop := startWorker(t, rdb, cfg, nil)
	waitFor(t, "two attempts, state stored", func() bool {
		st, _ := ParseRetryState(rdb.HGet(context.Background(), RetryKey(stream, "g"), id).Val())
		return st.Attempts == 2
	})
	stop()
	first := <-seen
	if !first.IsZero() {
		t.Fatalf("first attempt saw state %+v", first)
	}
	<-seen
	_, _ = startWorker(t, rdb, cfg, nil) // same consumer: re-reads its pending entry
	waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
	third := <-seen
	if third.Attempts != 2 || third.Failures != 1 || third.First.IsZero() || third.FirstAny.IsZero() {
		t.Fatalf("restarted worker saw state %+v", third)
	}
	dead, _ := sink.List(context.Background(), 10)
	if len(dead) != 1 || dead[0].Attempts != 3 || calls.n.Load() != 3 {
		t.Fatalf("dead letters %+v after %d calls: the third failure is past MaxAge since the first", dead, calls.n.Load())
	}
}

func TestWorkerTakesOverFromDeadConsumer(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	add(t, rdb, stream, 1)
	if _, err := NewReader(rdb, stream, "g", "dead").Read(context.Background(), 10, 0); err != nil {
		t.Fatal(err)
	}
	var calls counter
	cfg := testWorkerConfig(stream, NewStreamSink(rdb, prefix+":dead", 10, nil), func(context.Context, Message) error { calls.next(); return nil })
	cfg.ReclaimIdle, cfg.HandleTimeout = 500*time.Millisecond, 100*time.Millisecond
	w, _ := startWorker(t, rdb, cfg, nil)
	waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
	if st := w.Stats(); st.Reclaimed != 1 || st.Handled != 1 || calls.n.Load() != 1 {
		t.Fatalf("stats %+v, %d calls", st, calls.n.Load())
	}
}

// An entry delivered more than MaxDeliveries times with no outcome (it took
// its handlers' processes down) is dead-lettered without another try.
func TestWorkerPoisonEntry(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	ctx := context.Background()
	ok := add(t, rdb, stream, 1)
	poison := add(t, rdb, stream, 2)
	cfg := testWorkerConfig(stream, NewStreamSink(rdb, prefix+":dead", 10, nil), nil)
	cfg.Policy.MaxDeliveries = 4
	if _, err := NewReader(rdb, stream, "g", "me").Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	for range cfg.Policy.MaxDeliveries {
		rdb.XClaim(ctx, &redis.XClaimArgs{Stream: stream, Group: "g", Consumer: "me", Messages: []string{poison}})
	}
	handled := map[string]int{}
	var mu sync.Mutex
	cfg.Handle = func(_ context.Context, m Message) error {
		mu.Lock()
		handled[m.ID]++
		mu.Unlock()
		return nil
	}
	w, stop := startWorker(t, rdb, cfg, nil)
	waitFor(t, "entries settled", func() bool { return settled(t, rdb, stream) })
	stop()
	if handled[ok] != 1 || handled[poison] != 0 {
		t.Fatalf("handled %v: the poison entry must not run again", handled)
	}
	dead, _ := NewStreamSink(rdb, prefix+":dead", 10, nil).List(ctx, 10)
	if len(dead) != 1 || dead[0].Entry != poison || !strings.Contains(dead[0].Error, "never finished") {
		t.Fatalf("dead letters %+v", dead)
	}
	if st := w.Stats(); st.Dead != 1 || st.Handled != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestWorkerConcurrency(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	for i := range 7 {
		add(t, rdb, stream, i)
	}
	var inFlight, most atomic.Int64
	release := make(chan struct{})
	cfg := testWorkerConfig(stream, NewStreamSink(rdb, prefix+":dead", 10, nil), func(ctx context.Context, m Message) error {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
		return nil
	})
	cfg.Concurrency = 3
	w, _ := startWorker(t, rdb, cfg, nil)
	waitFor(t, "three handlers at once", func() bool { return inFlight.Load() == 3 })
	time.Sleep(200 * time.Millisecond) // a fourth would start now if it could
	if n := most.Load(); n != 3 {
		t.Fatalf("%d handlers at once, want 3", n)
	}
	close(release)
	waitFor(t, "entries settled", func() bool { return settled(t, rdb, stream) })
	if st := w.Stats(); st.Handled != 7 || most.Load() != 3 {
		t.Fatalf("stats %+v, at most %d at once", st, most.Load())
	}
}

// A person retries a dead letter: its payload goes back on its stream as a
// new entry, handled like any other.
func TestRequeueDeadLetter(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	ctx := context.Background()
	sink := NewStreamSink(rdb, prefix+":dead", 10, nil)
	var fixed atomic.Bool
	var got []string
	var mu sync.Mutex
	_, _ = startWorker(t, rdb, testWorkerConfig(stream, sink, func(_ context.Context, m Message) error {
		if !fixed.Load() {
			return Permanent(errors.New("unknown service code"))
		}
		mu.Lock()
		got = append(got, m.Values["n"])
		mu.Unlock()
		return nil
	}), nil)
	add(t, rdb, stream, 42)
	waitFor(t, "a dead letter", func() bool { d, _ := sink.List(ctx, 10); return len(d) == 1 })
	dead, _ := sink.List(ctx, 10)
	fixed.Store(true) // an admin fixed the service code
	id, err := Requeue(ctx, rdb, dead[0])
	if err != nil || id == dead[0].Entry {
		t.Fatalf("requeue: %s, %v", id, err)
	}
	waitFor(t, "entry settled", func() bool { return settled(t, rdb, stream) })
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != "[42]" {
		t.Fatalf("handled %v after the requeue", got)
	}
	if _, err := Requeue(ctx, rdb, DeadLetter{ID: "x"}); err == nil {
		t.Fatal("requeue of a dead letter without stream and payload succeeded")
	}
}

func TestWorkerConfigChecked(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	sink := NewStreamSink(rdb, prefix+":dead", 10, nil)
	ok := func(context.Context, Message) error { return nil }
	for name, cfg := range map[string]WorkerConfig{
		"no handle": testWorkerConfig(stream, sink, nil),
		"no sink":   testWorkerConfig(stream, nil, ok),
		"reclaim under timeout": func() WorkerConfig {
			c := testWorkerConfig(stream, sink, ok)
			c.ReclaimIdle = c.HandleTimeout
			return c
		}(),
	} {
		if err := NewWorker(rdb, cfg, nil).Run(context.Background()); err == nil {
			t.Errorf("%s: Run accepted the config", name)
		}
	}
}
