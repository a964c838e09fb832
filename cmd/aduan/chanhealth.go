package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// A chat channel's setup state. A channel whose setup fails (Telegram
// refusing setWebhook, a bad token) is retried with backoff while the rest
// of the service — the other channel, the console, Open311, the webhooks —
// keeps serving; /readyz and aduan_channel_up show it.
const (
	channelStarting = "starting"
	channelUp       = "up"
	channelFailing  = "failing"
)

// Backoff between setup attempts: doubling from channelRetryBase up to
// channelRetryMax, with jitter. Tests shorten it.
var (
	channelRetryBase = 2 * time.Second
	channelRetryMax  = 5 * time.Minute
)

// channelState is one channel's setup state, safe for concurrent use.
type channelState struct {
	mu       sync.Mutex
	state    string
	err      string // the last setup error (no token: the adapters redact it)
	since    time.Time
	attempts int       // failed attempts since the last success
	retryAt  time.Time // next attempt, while failing
}

func newChannelState() *channelState {
	return &channelState{state: channelStarting, since: time.Now().UTC()}
}

// up reports whether the channel's setup succeeded: only then are its
// replies sent (until then they wait in Redis).
func (s *channelState) up() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == channelUp
}

func (s *channelState) succeeded() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state, s.err, s.attempts, s.retryAt, s.since = channelUp, "", 0, time.Time{}, time.Now().UTC()
}

// failed records a failed attempt and returns how long to wait before the
// next one.
func (s *channelState) failed(err error) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != channelFailing {
		s.since = time.Now().UTC()
	}
	s.state, s.err = channelFailing, err.Error()
	s.attempts++
	wait := channelRetryBase << min(s.attempts-1, 20)
	if wait <= 0 || wait > channelRetryMax {
		wait = channelRetryMax
	}
	// Between half and all of it: replicas restarted together do not retry
	// in step.
	wait = wait/2 + rand.N(wait/2+1)
	s.retryAt = time.Now().Add(wait).UTC()
	return wait
}

// status is the state, the last error and since when.
func (s *channelState) status() (state, err string, since time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.err, s.since
}

// report is the state for /readyz.
func (s *channelState) report() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := map[string]any{"state": s.state, "healthy": s.state == channelUp, "since": s.since.Format(time.RFC3339)}
	if s.state == channelFailing {
		r["error"], r["attempts"], r["retry_at"] = s.err, s.attempts, s.retryAt.Format(time.RFC3339)
	}
	return r
}

// setupWithRetry runs setup until it succeeds (true) or ctx ends (false),
// logging each failure and waiting with backoff in between.
func setupWithRetry(ctx context.Context, st *channelState, log *slog.Logger, setup func(context.Context) error) bool {
	for {
		err := setup(ctx)
		if err == nil {
			st.succeeded()
			log.Info("channel ready")
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		wait := st.failed(err)
		log.Error("channel setup failed; the rest of the service keeps serving, retrying", "err", err,
			"retry_in", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
}
