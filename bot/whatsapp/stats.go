package whatsapp

import "sync/atomic"

// Stats are the adapter's counters since start, for metrics.
type Stats struct {
	Inbound       int64 // messages committed
	Duplicates    int64 // messages the dispatcher had already processed
	Ignored       int64 // groups, status, own, protocol messages
	InboundFailed int64 // not committed (Redis down): left for WhatsApp to redeliver
	Sent          int64
	SendFailed    int64
	Disconnects   int64 // ordinary disconnects (reconnected with backoff)
	Terminal      int64 // logged out, banned, replaced, outdated: need an operator
	LeaseLost     int64
}

type counters struct {
	inbound, duplicates, ignored, inboundFailed, sent, sendFailed, disconnects, terminal, leaseLost atomic.Int64
}

// Stats returns the counters.
func (a *Adapter) Stats() Stats {
	c := &a.counters
	return Stats{
		Inbound: c.inbound.Load(), Duplicates: c.duplicates.Load(), Ignored: c.ignored.Load(),
		InboundFailed: c.inboundFailed.Load(), Sent: c.sent.Load(), SendFailed: c.sendFailed.Load(),
		Disconnects: c.disconnects.Load(), Terminal: c.terminal.Load(), LeaseLost: c.leaseLost.Load(),
	}
}
