package whatsapp

import (
	"log/slog"
	"time"
)

// States of the WhatsApp channel, as Health reports them.
const (
	StateStandby      = "standby"      // another replica holds the connection lease
	StateUnpaired     = "unpaired"     // no linked device: run `aduan whatsapp link`
	StateConnecting   = "connecting"   // connecting or reconnecting
	StateConnected    = "connected"    // connected and logged in
	StateDisconnected = "disconnected" // lost; reconnecting with backoff (or stopped, see Detail)
	StateLoggedOut    = "logged_out"   // the phone unlinked us: link again
	StateBanned       = "banned"       // temporary ban: wait, see Detail
	StateReplaced     = "replaced"     // another process connected with the same device
)

// Health is the state of the channel, for /readyz, metrics and the console.
type Health struct {
	State  string
	Detail string // why, in words for an operator; never a phone number
	Since  time.Time
}

// OK reports whether messages flow now.
func (h Health) OK() bool { return h.State == StateConnected }

// NeedsOperator reports whether a person must act (link again, wait out a
// ban, stop a second process) before the channel works again.
func (h Health) NeedsOperator() bool {
	switch h.State {
	case StateUnpaired, StateLoggedOut, StateBanned, StateReplaced:
		return true
	}
	return false
}

// Health returns the channel's current state.
func (a *Adapter) Health() Health {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.health
}

// setHealth records a state; a change is logged (errors for the states that
// need an operator) and wakes Run.
func (a *Adapter) setHealth(state, detail string) {
	a.mu.Lock()
	prev := a.health
	if prev.State == state && prev.Detail == detail {
		a.mu.Unlock()
		return
	}
	a.health = Health{State: state, Detail: detail, Since: a.now()}
	if prev.State == state {
		a.health.Since = prev.Since
	}
	a.mu.Unlock()
	level := slog.LevelInfo
	switch state {
	case StateLoggedOut, StateBanned, StateReplaced:
		level = slog.LevelError
	case StateDisconnected, StateUnpaired:
		level = slog.LevelWarn
	}
	if prev.State != state {
		a.log.Log(a.baseCtx(), level, "whatsapp: channel state", "state", state, "from", prev.State, "detail", detail)
	}
	select {
	case a.wake <- struct{}{}:
	default:
	}
}
