package queue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// DeadLetter is an entry a worker gave up on: one format for every queue
// (replies, engine actions, forwards, webhooks). It goes to a DeadLetterSink
// (the report database in production), where the console lists it and a
// person retries or discards it; a retry puts Payload back on Stream.
type DeadLetter struct {
	ID       string            `json:"id"`               // set by the sink when empty
	Kind     string            `json:"kind"`             // which queue: "reply", "action", "forward", "webhook"
	Stream   string            `json:"stream"`           // the stream the entry came from
	Entry    string            `json:"entry"`            // its entry id there
	Number   string            `json:"number,omitempty"` // the report it belongs to, when known
	Agency   string            `json:"agency,omitempty"` // the report's agency, for scoping (filled by the sink)
	Target   string            `json:"target,omitempty"` // a URL without its query, or a channel
	Error    string            `json:"error"`            // why, in words an admin can read
	Attempts int               `json:"attempts"`
	FirstAt  time.Time         `json:"first_at"`
	LastAt   time.Time         `json:"last_at"`
	Payload  map[string]string `json:"payload"` // the entry's fields, to queue again
}

// DeadLetterSink keeps dead letters where a person sees them. AddDeadLetter
// must be idempotent by (Stream, Entry): a worker that crashed after adding
// and before acknowledging adds the same entry again.
type DeadLetterSink interface {
	AddDeadLetter(ctx context.Context, d DeadLetter) error
}

// DeadLetterID is the id of the dead letter of a stream entry: the same for
// the same (Stream, Entry), so a sink can use it to deduplicate.
func DeadLetterID(stream, entry string) string {
	h := sha256.Sum256([]byte(stream + "\x00" + entry))
	return hex.EncodeToString(h[:10])
}

// Requeue puts a dead letter's Payload back on its Stream as a new entry (a
// person decided to try again) and returns the new entry's id. The new entry
// starts with no retry state. Fields are written in name order.
func Requeue(ctx context.Context, rdb redis.UniversalClient, d DeadLetter) (string, error) {
	if d.Stream == "" || len(d.Payload) == 0 {
		return "", fmt.Errorf("requeue dead letter %s: no stream or no payload", d.ID)
	}
	names := make([]string, 0, len(d.Payload))
	for k := range d.Payload {
		names = append(names, k)
	}
	sort.Strings(names)
	vals := make([]any, 0, 2*len(names))
	for _, k := range names {
		vals = append(vals, k, d.Payload[k])
	}
	id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: d.Stream, Values: vals}).Result()
	if err != nil {
		return "", fmt.Errorf("requeue dead letter %s on %s: %w", d.ID, d.Stream, err)
	}
	return id, nil
}
