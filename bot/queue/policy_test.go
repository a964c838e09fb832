package queue

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// fakeRetryError is a RetryError of another package's making (like
// bot.SendError), to show the contract is an interface, not a type.
type fakeRetryError struct {
	retryable bool
	delay     time.Duration
}

func (e fakeRetryError) Error() string             { return "fake" }
func (e fakeRetryError) Retryable() bool           { return e.retryable }
func (e fakeRetryError) RetryDelay() time.Duration { return e.delay }

func TestClassify(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
		delay     time.Duration
	}{
		{"plain error: transient", boom, false, 0},
		{"Permanent", Permanent(boom), true, 0},
		{"Permanent, wrapped", fmt.Errorf("forward: %w", Permanent(boom)), true, 0},
		{"After", After(boom, 3*time.Second), false, 3 * time.Second},
		{"After, wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", After(boom, time.Minute))), false, time.Minute},
		{"After with no wait: transient", After(boom, 0), false, 0},
		{"another package's RetryError", fmt.Errorf("x: %w", fakeRetryError{delay: time.Second, retryable: true}), false, time.Second},
		{"another package's permanent", fakeRetryError{}, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, d := Classify(tc.err)
			if p != tc.permanent || d != tc.delay {
				t.Fatalf("Classify = (%v, %s), want (%v, %s)", p, d, tc.permanent, tc.delay)
			}
		})
	}
	if Permanent(nil) != nil || After(nil, time.Second) != nil {
		t.Fatal("a nil error must stay nil")
	}
	if err := Permanent(boom); !errors.Is(err, boom) || err.Error() != "boom" {
		t.Fatalf("Permanent hides its cause: %v", err)
	}
}

// The policy table: each case runs attempts on a fake clock (no sleeping)
// until the entry is dead or maxAttempts attempts were made.
func TestPolicyTable(t *testing.T) {
	boom := errors.New("503")
	year := 365 * 24 * time.Hour
	p := Policy{MaxAge: time.Hour, BackoffBase: time.Second, BackoffMax: time.Minute}.WithDefaults()
	for _, tc := range []struct {
		name        string
		err         func(n int) error // error of attempt n (1-based)
		maxAttempts int
		wantDeadAt  int // attempt that dead-letters; 0: never
		check       func(t *testing.T, n int, d Decision, now time.Time)
	}{
		{name: "429 with Retry-After 2s, 5000 times: never dead, never counted",
			err: func(int) error { return After(boom, 2*time.Second) }, maxAttempts: 5000,
			check: func(t *testing.T, n int, d Decision, now time.Time) {
				if d.At != now.Add(2*time.Second) || d.State.Failures != 0 || d.Capped {
					t.Fatalf("attempt %d: %+v", n, d)
				}
			}},
		{name: "Retry-After of a year: capped at 15 min",
			err: func(int) error { return After(boom, year) }, maxAttempts: 3,
			check: func(t *testing.T, n int, d Decision, now time.Time) {
				if !d.Capped || d.RetryAfter != year || d.At != now.Add(DefaultRetryAfterCap) {
					t.Fatalf("attempt %d: %+v", n, d)
				}
			}},
		{name: "permanent: dead at the first attempt",
			err: func(int) error { return Permanent(boom) }, maxAttempts: 10, wantDeadAt: 1},
		{name: "transient: full-jitter backoff until MaxAge, then dead",
			err: func(int) error { return boom }, maxAttempts: 1000, wantDeadAt: -1,
			check: func(t *testing.T, n int, d Decision, now time.Time) {
				ceiling := min(time.Second<<min(n-1, 30), time.Minute)
				if wait := d.At.Sub(now); wait < 0 || wait > ceiling || d.State.Failures != n {
					t.Fatalf("attempt %d: wait %s, ceiling %s, state %+v", n, wait, ceiling, d.State)
				}
			}},
		{name: "429s for two hours, then transient: the 429s did not count",
			err: func(n int) error {
				if n <= 3600 {
					return After(boom, 2*time.Second)
				}
				return boom
			}, maxAttempts: 3610,
			check: func(t *testing.T, n int, d Decision, now time.Time) {
				if d.Dead {
					t.Fatalf("attempt %d dead: %s", n, d.Reason)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
			start := now
			var st RetryState
			for n := 1; n <= tc.maxAttempts; n++ {
				d := p.Decide(tc.err(n), st, now)
				if d.Dead {
					switch {
					case tc.wantDeadAt == 0:
						t.Fatalf("dead at attempt %d: %s", n, d.Reason)
					case tc.wantDeadAt > 0 && n != tc.wantDeadAt:
						t.Fatalf("dead at attempt %d, want %d", n, tc.wantDeadAt)
					case tc.wantDeadAt < 0 && now.Sub(start) < p.MaxAge:
						t.Fatalf("dead at attempt %d after %s, before MaxAge %s", n, now.Sub(start), p.MaxAge)
					}
					if d.Reason == "" || d.State.Attempts != n {
						t.Fatalf("dead letter without a reason or attempt count: %+v", d)
					}
					return
				}
				if tc.check != nil {
					tc.check(t, n, d, now)
				}
				if d.At.Before(now) {
					t.Fatalf("attempt %d: next attempt %s before now", n, d.At)
				}
				st, now = d.State, d.At
				if tc.wantDeadAt < 0 && now.Sub(start) > p.MaxAge+p.BackoffMax {
					t.Fatalf("still retrying after %s, MaxAge %s", now.Sub(start), p.MaxAge)
				}
			}
			if tc.wantDeadAt != 0 {
				t.Fatalf("not dead after %d attempts", tc.maxAttempts)
			}
		})
	}
}

func TestPolicyBackoffIsFullJitter(t *testing.T) {
	p := Policy{BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second}
	var low, high int
	for range 2000 {
		d := p.Backoff(3) // ceiling 400ms
		if d < 0 || d > 400*time.Millisecond {
			t.Fatalf("backoff %s outside [0, 400ms]", d)
		}
		if d < 100*time.Millisecond {
			low++
		}
		if d > 300*time.Millisecond {
			high++
		}
	}
	if low == 0 || high == 0 { // full jitter spreads over the whole range
		t.Fatalf("backoff not spread over [0, ceiling]: %d low, %d high", low, high)
	}
}

func TestPolicyPoisoned(t *testing.T) {
	p := Policy{MaxDeliveries: 3}
	for _, tc := range []struct {
		deliveries, atLastOutcome int64
		want                      bool
	}{
		{3, 0, false}, {4, 0, true}, {50, 48, false}, {52, 48, true},
	} {
		if got := p.Poisoned(tc.deliveries, RetryState{Deliveries: tc.atLastOutcome}); got != tc.want {
			t.Errorf("Poisoned(%d after %d) = %v", tc.deliveries, tc.atLastOutcome, got)
		}
	}
}

func TestRetryStateRoundTrip(t *testing.T) {
	at := func(s int) time.Time { return time.UnixMilli(1_780_000_000_000 + int64(s)*1000) }
	in := RetryState{Failures: 3, Attempts: 7, First: at(1), FirstAny: at(0), Next: at(9), Deliveries: 4}
	out, err := ParseRetryState(in.Encode())
	if err != nil || out != in {
		t.Fatalf("round trip: %+v, %v; want %+v", out, err, in)
	}
	if z, err := ParseRetryState(""); err != nil || !z.IsZero() {
		t.Fatalf("empty state: %+v, %v", z, err)
	}
	for _, bad := range []string{"x", "v1|1|2", "v2|1|1|0|0|0|0", "v1|a|1|0|0|0|0"} {
		if _, err := ParseRetryState(bad); err == nil {
			t.Errorf("ParseRetryState(%q) accepted", bad)
		}
	}
}

func TestSameSlotKeepsTheHashTag(t *testing.T) {
	for key, want := range map[string]string{
		"aduan:{s7}:act": "aduan:{s7}:act:retry:g",
		"aduan:forward":  "{aduan:forward}:retry:g",
		"a:{}:x":         "{a:{}:x}:retry:g", // an empty tag is no tag
	} {
		if got := RetryKey(key, "g"); got != want {
			t.Errorf("RetryKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestStreamIDOrder(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{
		{"1-0", "2-0", true}, {"2-0", "10-0", true}, {"5-9", "5-10", true}, {"5-10", "5-9", false}, {"3-3", "3-3", false},
	} {
		if got := LessID(tc.a, tc.b); got != tc.less {
			t.Errorf("LessID(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
	if n, err := NextID("7-41"); err != nil || n != "7-42" {
		t.Errorf("NextID = %s, %v", n, err)
	}
	if _, err := NextID("x"); err == nil {
		t.Error("NextID accepted a bad id")
	}
	if got := IDTime("1700000000123-5"); !got.Equal(time.UnixMilli(1700000000123)) {
		t.Errorf("IDTime = %s", got)
	}
}
