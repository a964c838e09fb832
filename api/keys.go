package api

// keys names every Redis key of the complaint side (reports themselves are in
// the ReportStore). They share one hash tag ({rpt}) so that a relayed mark
// and its stream change in one script, also on Redis Cluster; the complaint
// side's rate (reports per minute, not messages per second) fits one slot.
type keys struct{ base string }

func newKeys(prefix string) keys {
	if prefix == "" {
		prefix = "aduan"
	}
	return keys{base: prefix + ":rpt:{rpt}:"}
}

// Streams (forward and webhook queues) and their retry state.
func (k keys) fwdStream() string  { return k.base + "fwd" }
func (k keys) hookStream() string { return k.base + "hook" }
func (k keys) tries(stream, entryID string) string {
	return stream + ":try:" + entryID
}

// relayed marks an outbox effect id as put on its stream (see Relay).
func (k keys) relayed(effectID string) string { return k.base + "relayed:" + effectID }

// stats caches the dashboard's aggregates for one scope and period.
func (k keys) stats(hash string) string { return k.base + "stats:" + hash }
