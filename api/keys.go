package api

// keys names every Redis key of the complaint side. All of them share one
// hash tag ({rpt}) so that a report, its indexes and the forward and webhook
// streams change in one MULTI, also on Redis Cluster. The complaint side's
// write rate (reports per minute, not messages per second) fits one slot.
type keys struct{ base string }

func newKeys(prefix string) keys {
	if prefix == "" {
		prefix = "aduan"
	}
	return keys{base: prefix + ":rpt:{rpt}:"}
}

// report is the JSON document of one report.
func (k keys) report(number string) string { return k.base + "r:" + number }

// Indexes: sorted sets of tracking numbers scored by creation time (unix ms).
func (k keys) idxAll() string               { return k.base + "idx:all" }
func (k keys) idxStatus(s Status) string    { return k.base + "idx:st:" + string(s) }
func (k keys) idxAgency(code string) string { return k.base + "idx:ag:" + code }
func (k keys) idxChat(channel, chat string) string {
	return k.base + "idx:chat:" + channel + ":" + chat
}

// extID maps an external service_request_id to a tracking number (hash).
func (k keys) extID() string { return k.base + "ext" }

// extOpen holds open reports filed with an external server, for the poller.
func (k keys) extOpen() string { return k.base + "extopen" }

// Streams (outboxes) and their retry state.
func (k keys) fwdStream() string  { return k.base + "fwd" }
func (k keys) hookStream() string { return k.base + "hook" }
func (k keys) tries(stream, entryID string) string {
	return stream + ":try:" + entryID
}

// Dead letters: a hash id -> JSON and a sorted set by time.
func (k keys) dead() string    { return k.base + "dead" }
func (k keys) deadIdx() string { return k.base + "dead:idx" }

// once guards a side effect (a notice) against redelivery.
func (k keys) once(marker string) string { return k.base + "once:" + marker }

// idem maps an Open311 POST Idempotency-Key to the id it created.
func (k keys) idem(key string) string { return k.base + "idem:" + key }

// hookIn marks an inbound webhook event id as processed.
func (k keys) hookIn(eventID string) string { return k.base + "whin:" + eventID }
