package alerts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Kinds of alerts (also the label of aduan_alerts_total).
const (
	KindDeadLetter = "dead_letter" // work a person must look at (a reply, an action, a webhook)
	KindNotFiled   = "not_filed"   // a report the complaint API refused or kept failing
	KindSLA        = "sla"         // a report past its verification deadline
	KindNewReport  = "new_report"  // a new report in an agency
)

// Kinds lists every kind, in the order a message counts them.
var Kinds = []string{KindNotFiled, KindDeadLetter, KindSLA, KindNewReport}

// Alert is one thing to tell admins about. Text is a short detail for the
// message and must hold no personal data (no names, phone numbers, chat ids,
// report text): it leaves Aduan by Telegram and email.
type Alert struct {
	// ID makes the alert at-most-once: a second Alert with the same ID within
	// onceTTL is dropped (a sink called twice, a poll seeing a report again).
	// Empty: always added.
	ID     string
	Kind   string
	Agency string // the report's agency ("" when unknown: supervisors only)
	Number string // the report's tracking number, when there is one
	Text   string
	At     time.Time // when it happened (zero: now)
}

// onceTTL is how long an alert id is remembered: longer than any source
// looks back.
const onceTTL = 30 * 24 * time.Hour

// addOnce appends an alert unless its marker is set, and sets the marker: one
// round trip, atomic. KEYS: marker, stream. ARGV: ttl ms, field, value...
var addOnce = redis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
  return 1
end
return 0`)

// Notifier appends alerts to the stream the Batcher reads. Every replica may
// use one; it is safe for concurrent use.
type Notifier struct {
	rdb     redis.UniversalClient
	k       keys
	metrics *Metrics
	now     func() time.Time
}

// NewNotifier returns a notifier writing under prefix ("aduan"); metrics may
// be nil.
func NewNotifier(rdb redis.UniversalClient, prefix string, metrics *Metrics) *Notifier {
	return &Notifier{rdb: rdb, k: newKeys(prefix), metrics: metrics, now: time.Now}
}

// Alert queues a for the next batch. added is false when an alert with the
// same ID was queued before.
func (n *Notifier) Alert(ctx context.Context, a Alert) (added bool, err error) {
	if a.Kind == "" {
		return false, fmt.Errorf("alert: empty kind")
	}
	if a.At.IsZero() {
		a.At = n.now()
	}
	fields := []any{"kind", a.Kind, "agency", a.Agency, "number", a.Number, "text", a.Text,
		"at", strconv.FormatInt(a.At.UnixMilli(), 10)}
	if a.ID == "" {
		if err := n.rdb.XAdd(ctx, &redis.XAddArgs{Stream: n.k.stream(), Values: fields}).Err(); err != nil {
			return false, fmt.Errorf("alert %s: %w", a.Kind, err)
		}
		n.metrics.alerted(a.Kind)
		return true, nil
	}
	args := append([]any{onceTTL.Milliseconds()}, fields...)
	got, err := addOnce.Run(ctx, n.rdb, []string{n.k.once(a.ID), n.k.stream()}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("alert %s: %w", a.Kind, err)
	}
	if got == 1 {
		n.metrics.alerted(a.Kind)
	}
	return got == 1, nil
}

// decode reads an alert from a stream entry.
func decode(x redis.XMessage) Alert {
	s := func(k string) string { v, _ := x.Values[k].(string); return v }
	a := Alert{Kind: s("kind"), Agency: s("agency"), Number: s("number"), Text: s("text")}
	if ms, err := strconv.ParseInt(s("at"), 10, 64); err == nil {
		a.At = time.UnixMilli(ms)
	}
	return a
}
