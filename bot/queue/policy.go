package queue

import (
	"fmt"
	mrand "math/rand/v2"
	"time"
	"unicode/utf8"
)

// Policy is the one retry policy of every queue (docs/decisions.md, "One
// retry policy"):
//   - a Retry-After (RetryError.RetryDelay > 0) is waited for, capped at
//     RetryAfterCap, and never counts toward giving up;
//   - a permanent error (Retryable false) is dead-lettered at once;
//   - any other error is transient: the next attempt waits a full-jitter
//     exponential backoff (uniform in [0, min(BackoffBase·2^(n-1),
//     BackoffMax)]), until the entry's first transient failure is MaxAge
//     old; the failure after that dead-letters it.
//
// Zero fields take the defaults.
type Policy struct {
	MaxAge        time.Duration // 3 days
	BackoffBase   time.Duration // 1 s
	BackoffMax    time.Duration // 5 min
	RetryAfterCap time.Duration // 15 min
	// MaxDeliveries bounds the deliveries of an entry that end without an
	// outcome (the process died while handling it: a poison entry), 10.
	MaxDeliveries int64
}

// Default policy values.
const (
	DefaultMaxAge        = 3 * 24 * time.Hour
	DefaultRetryAfterCap = 15 * time.Minute
)

// WithDefaults fills the zero fields.
func (p Policy) WithDefaults() Policy {
	p.MaxAge = orDefault(p.MaxAge, DefaultMaxAge)
	p.BackoffBase = orDefault(p.BackoffBase, time.Second)
	p.BackoffMax = orDefault(p.BackoffMax, 5*time.Minute)
	p.RetryAfterCap = orDefault(p.RetryAfterCap, DefaultRetryAfterCap)
	if p.MaxDeliveries <= 0 {
		p.MaxDeliveries = 10
	}
	return p
}

// Decision is what to do with an entry after a failed attempt.
type Decision struct {
	Dead   bool       // give up: dead-letter the entry
	Reason string     // why, in words for the dead letter (when Dead)
	At     time.Time  // the next attempt (when not Dead)
	State  RetryState // the entry's state after this attempt, to store
	// RetryAfter is the wait the error asked for (0: none); Capped reports
	// that it exceeded RetryAfterCap and At uses the cap instead.
	RetryAfter time.Duration
	Capped     bool
}

// Decide applies the policy to a failed attempt (err != nil) of an entry
// whose state before the attempt was st.
func (p Policy) Decide(err error, st RetryState, now time.Time) Decision {
	p = p.WithDefaults()
	st.Attempts++
	if st.FirstAny.IsZero() {
		st.FirstAny = now
	}
	permanent, delay := Classify(err)
	switch {
	case permanent:
		return Decision{Dead: true, State: st, Reason: "refused, retrying cannot help: " + errText(err)}
	case delay > 0:
		d := Decision{RetryAfter: delay, State: st}
		if delay > p.RetryAfterCap {
			delay, d.Capped = p.RetryAfterCap, true
		}
		d.State.Next = now.Add(delay)
		d.At = d.State.Next
		return d
	}
	st.Failures++
	if st.First.IsZero() {
		st.First = now
	}
	if age := now.Sub(st.First); age >= p.MaxAge {
		return Decision{Dead: true, State: st, Reason: fmt.Sprintf("still failing after %s (%d attempts): %s",
			age.Round(time.Second), st.Attempts, errText(err))}
	}
	st.Next = now.Add(p.Backoff(st.Failures))
	return Decision{At: st.Next, State: st}
}

// Poisoned reports an entry delivered more than MaxDeliveries times since
// its last recorded outcome: its handler never finished (it took the process
// down), so it is dead-lettered without another try.
func (p Policy) Poisoned(deliveries int64, st RetryState) bool {
	return deliveries-st.Deliveries > p.WithDefaults().MaxDeliveries
}

// Backoff is the wait after the n-th counted failure (n >= 1): full jitter,
// uniform in [0, min(BackoffBase·2^(n-1), BackoffMax)].
func (p Policy) Backoff(n int) time.Duration {
	p = p.WithDefaults()
	return FullJitter(n, p.BackoffBase, p.BackoffMax)
}

// FullJitter is uniform in [0, min(base·2^(n-1), ceiling)].
func FullJitter(n int, base, ceiling time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	if d <= 0 {
		return 0
	}
	return mrand.N(d + 1)
}

// errText is an error's text, bounded for a dead letter.
func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) <= 500 {
		return s
	}
	n := 500
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
