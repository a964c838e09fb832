package telegram

import "sync/atomic"

// Stats counts what the adapter did with updates since start (for metrics and
// tests).
type Stats struct {
	Handled      int64 // committed by the handler (including duplicates)
	Duplicates   int64 // the handler had seen the update already
	Stale        int64 // a button of an old question was pressed
	Ignored      int64 // edited messages, group messages, member changes, ...
	Malformed    int64 // webhook bodies that are not an update
	Unauthorized int64 // webhook requests with a wrong or missing secret
	TooLarge     int64 // webhook bodies over the limit
	Failed       int64 // handler or download errors (the update comes again)
	MediaRefused int64 // photos refused by size or type (citizen re-asked)
	Panics       int64 // updates whose processing panicked (acknowledged)
}

type counters struct {
	handled, duplicates, stale, ignored, malformed atomic.Int64
	unauthorized, tooLarge, failed, mediaRefused   atomic.Int64
	panics                                         atomic.Int64
}

// Stats returns a snapshot of the counters.
func (a *Adapter) Stats() Stats {
	c := &a.stats
	return Stats{
		Handled:      c.handled.Load(),
		Duplicates:   c.duplicates.Load(),
		Stale:        c.stale.Load(),
		Ignored:      c.ignored.Load(),
		Malformed:    c.malformed.Load(),
		Unauthorized: c.unauthorized.Load(),
		TooLarge:     c.tooLarge.Load(),
		Failed:       c.failed.Load(),
		MediaRefused: c.mediaRefused.Load(),
		Panics:       c.panics.Load(),
	}
}
