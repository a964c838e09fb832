package whatsapp

import (
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/types/events"
)

// HandleEvent is the adapter's whatsmeow event handler (registered by New
// with AddEventHandlerWithSuccessStatus). It returns false only for a message
// that could not be committed: whatsmeow then sends no receipt and WhatsApp
// redelivers the message.
func (a *Adapter) HandleEvent(evt any) bool {
	switch e := evt.(type) {
	case *events.Message:
		return a.handleMessage(e)
	case *events.Connected:
		if a.isHolding() { // else Run already disconnected: a late event
			a.setHealth(StateConnected, "")
		}
	case *events.Disconnected:
		if !a.isTerminal() {
			a.counters.disconnects.Add(1)
			a.setHealth(StateDisconnected, "connection lost; reconnecting")
		}
	case *events.KeepAliveTimeout:
		a.log.Warn("whatsapp: keepalive timeout", "errors", e.ErrorCount)
	case *events.LoggedOut:
		a.stop(StateLoggedOut, fmt.Sprintf("the phone unlinked this device (%s): link the number again with `aduan whatsapp link`, then restart", e.Reason), 0)
	case *events.TemporaryBan:
		a.stop(StateBanned, fmt.Sprintf("temporarily banned by WhatsApp (code %d: %s); expires in %s", int(e.Code), e.Code, e.Expire), e.Expire)
	case *events.StreamReplaced:
		a.stop(StateReplaced, "another process connected with this device: run one `aduan serve` per number (they share the Redis lease), then restart", 0)
	case *events.ClientOutdated:
		a.stop(StateDisconnected, "WhatsApp rejects this client version as outdated: upgrade Aduan (whatsmeow)", 0)
	case *events.ConnectFailure:
		a.stop(StateDisconnected, fmt.Sprintf("connection refused by WhatsApp (%s)", e.Reason), 0)
	case *events.CATRefreshError:
		a.stop(StateDisconnected, "connection refused by WhatsApp (CAT refresh failed)", 0)
	case *events.PairSuccess:
		a.log.Info("whatsapp: device linked", "number", HashID(e.ID.User))
	}
	return true
}

// stop records a state that needs an operator: sending pauses (replies stay
// queued), and Run does not reconnect. After a temporary ban with a known
// expiry Run tries once more when it ends.
func (a *Adapter) stop(state, detail string, retryIn time.Duration) {
	a.counters.terminal.Add(1)
	a.mu.Lock()
	a.terminal = true
	a.retryAt = time.Time{}
	if retryIn > 0 {
		a.retryAt = a.now().Add(retryIn)
	}
	a.mu.Unlock()
	a.setHealth(state, detail)
}
