package queue

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RetryState is what a worker remembers of an entry's failed attempts. It is
// kept in Redis (a hash per stream and group, see RetryKey), so a restart or a
// takeover by another replica does not reset it.
type RetryState struct {
	Failures int       // counted (transient) failures: the backoff exponent
	Attempts int       // failed attempts of any kind, Retry-After answers included
	First    time.Time // first counted failure: MaxAge runs from here
	FirstAny time.Time // first failed attempt of any kind
	Next     time.Time // the next attempt is not before this
	// Deliveries is the entry's delivery count (XPENDING) when the last
	// outcome was recorded; deliveries beyond it ended without an outcome
	// (the process died while handling the entry).
	Deliveries int64
}

// IsZero reports an entry that never failed.
func (s RetryState) IsZero() bool { return s.Attempts == 0 && s.Deliveries == 0 }

// RetryKey is the hash holding the retry states of a stream's entries for one
// group (field: entry id). It shares the stream's Cluster slot, so an
// acknowledgement and the state's deletion go in one MULTI.
func RetryKey(stream, group string) string { return SameSlot(stream, "retry:"+group) }

// Encode is the state as stored: "v1|failures|attempts|first|firstAny|next|deliveries",
// times in Unix milliseconds (0: unset).
func (s RetryState) Encode() string {
	ms := func(t time.Time) string {
		if t.IsZero() {
			return "0"
		}
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return strings.Join([]string{"v1", strconv.Itoa(s.Failures), strconv.Itoa(s.Attempts),
		ms(s.First), ms(s.FirstAny), ms(s.Next), strconv.FormatInt(s.Deliveries, 10)}, "|")
}

// ParseRetryState reads Encode's form; "" is the zero state.
func ParseRetryState(v string) (RetryState, error) {
	var s RetryState
	if v == "" {
		return s, nil
	}
	p := strings.Split(v, "|")
	if len(p) != 7 || p[0] != "v1" {
		return s, fmt.Errorf("bad retry state %q", v)
	}
	var n [6]int64
	for i := range n {
		x, err := strconv.ParseInt(p[i+1], 10, 64)
		if err != nil {
			return s, fmt.Errorf("bad retry state %q", v)
		}
		n[i] = x
	}
	t := func(ms int64) time.Time {
		if ms == 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms)
	}
	return RetryState{Failures: int(n[0]), Attempts: int(n[1]), First: t(n[2]), FirstAny: t(n[3]),
		Next: t(n[4]), Deliveries: n[5]}, nil
}
