package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Message is one stream entry as a worker sees it.
type Message struct {
	Stream string
	ID     string            // the entry id: stable across retries, an idempotency key
	Values map[string]string // the entry's fields
	// Redelivered: read again (this consumer's own pending entry after a
	// restart, or one taken over from a dead consumer).
	Redelivered bool
	Retry       RetryState // the failed attempts so far (zero on a first attempt)
}

func toMessage(stream string, x redis.XMessage, redelivered bool) Message {
	vals := make(map[string]string, len(x.Values))
	for k, v := range x.Values {
		if s, ok := v.(string); ok {
			vals[k] = s
		} else {
			vals[k] = fmt.Sprint(v)
		}
	}
	return Message{Stream: stream, ID: x.ID, Values: vals, Redelivered: redelivered}
}

// Reader reads one stream as one consumer of a group, the way every reader
// here must: first this consumer's own pending entries (delivered before a
// restart or a takeover and never acknowledged), then new ones.
type Reader struct {
	rdb                     redis.UniversalClient
	stream, group, consumer string
	// cursor is Read's position in the consumer's own pending entries ("0":
	// from the start); "" reads new entries.
	cursor string
	// pending is ReadPending's position ("0": from the start).
	pending string
}

// NewReader returns a reader that starts with the consumer's own pending
// entries.
func NewReader(rdb redis.UniversalClient, stream, group, consumer string) *Reader {
	return &Reader{rdb: rdb, stream: stream, group: group, consumer: consumer, cursor: "0", pending: "0"}
}

// Stream is the stream read.
func (r *Reader) Stream() string { return r.stream }

// Group is the consumer group.
func (r *Reader) Group() string { return r.group }

// Consumer is the consumer name.
func (r *Reader) Consumer() string { return r.consumer }

// Rewind makes the next read start again at the consumer's oldest pending
// entry.
func (r *Reader) Rewind() { r.cursor, r.pending = "0", "0" }

// Read returns up to count entries: the consumer's own pending ones while
// there are (Redelivered, never blocking), then new ones, blocking up to
// block for them (not at all when block is under a millisecond: BLOCK 0
// would wait forever). An entry deleted while pending comes back with no
// Values: acknowledge it. A missing group is created again before the NOGROUP
// error returns.
func (r *Reader) Read(ctx context.Context, count int64, block time.Duration) ([]Message, error) {
	if r.cursor != "" {
		msgs, err := r.read(ctx, r.cursor, count, -1)
		if err != nil || len(msgs) > 0 {
			if len(msgs) > 0 {
				r.cursor = msgs[len(msgs)-1].ID
			}
			return msgs, err
		}
		r.cursor = "" // own pending entries all re-read: on to new ones
	}
	if block < time.Millisecond {
		block = -1
	}
	return r.read(ctx, ">", count, block)
}

// ReadPending returns up to count of the consumer's own pending entries
// after the last one it returned, and never new ones. Entries moved to this
// consumer later (XCLAIM) with greater ids are found by the next call; Rewind
// finds those with smaller ids.
func (r *Reader) ReadPending(ctx context.Context, count int64) ([]Message, error) {
	msgs, err := r.read(ctx, r.pending, count, -1)
	if len(msgs) > 0 {
		r.pending = msgs[len(msgs)-1].ID
	}
	return msgs, err
}

// ReadPendingCmd queues ReadPending's command on a pipeline; pass its result
// to PendingRead.
func (r *Reader) ReadPendingCmd(ctx context.Context, pipe redis.Pipeliner, count int64) *redis.XStreamSliceCmd {
	return pipe.XReadGroup(ctx, &redis.XReadGroupArgs{Group: r.group, Consumer: r.consumer,
		Streams: []string{r.stream, r.pending}, Count: count, Block: -1})
}

// PendingRead reads the result of ReadPendingCmd and moves the cursor.
func (r *Reader) PendingRead(ctx context.Context, cmd *redis.XStreamSliceCmd) ([]Message, error) {
	msgs, err := r.result(ctx, r.pending, cmd.Val(), cmd.Err())
	if len(msgs) > 0 {
		r.pending = msgs[len(msgs)-1].ID
	}
	return msgs, err
}

func (r *Reader) read(ctx context.Context, id string, count int64, block time.Duration) ([]Message, error) {
	res, err := r.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: r.group, Consumer: r.consumer, Streams: []string{r.stream, id}, Count: count, Block: block,
	}).Result()
	return r.result(ctx, id, res, err)
}

func (r *Reader) result(ctx context.Context, id string, res []redis.XStream, err error) ([]Message, error) {
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		if IsNoGroup(err) {
			_ = EnsureGroup(ctx, r.rdb, r.stream, r.group)
		}
		return nil, fmt.Errorf("read %s: %w", r.stream, err)
	}
	var msgs []Message
	for _, st := range res {
		for _, x := range st.Messages {
			msgs = append(msgs, toMessage(r.stream, x, id != ">"))
		}
	}
	return msgs, nil
}

// Reclaim takes to this consumer up to max entries that have been idle for
// at least minIdle at any consumer (XAUTOCLAIM): their consumer is presumed
// dead. They come back Redelivered.
func (r *Reader) Reclaim(ctx context.Context, minIdle time.Duration, max int64) ([]Message, error) {
	var out []Message
	start := "0-0"
	for int64(len(out)) < max {
		msgs, next, err := r.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: r.stream, Group: r.group,
			Consumer: r.consumer, MinIdle: minIdle, Start: start, Count: min(100, max-int64(len(out)))}).Result()
		if err != nil {
			if IsNoGroup(err) {
				_ = EnsureGroup(ctx, r.rdb, r.stream, r.group)
			}
			return out, fmt.Errorf("reclaim from %s: %w", r.stream, err)
		}
		for _, x := range msgs {
			out = append(out, toMessage(r.stream, x, true))
		}
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	return out, nil
}

// Claim is an entry this consumer wants to keep, and how long it has been
// idle if no other consumer took it meanwhile.
type Claim struct {
	ID   string
	Idle time.Duration
}

// Keep resets the idle time of entries this consumer holds but is not
// handling now (waiting for a retry), so no janitor takes them: XCLAIM JUSTID
// (which does not count a delivery) with MinIdle just under each entry's
// expected idle time. An entry another consumer took meanwhile (its idle time
// is shorter), acknowledged or deleted, is not kept: the result holds only
// the kept ids.
func (r *Reader) Keep(ctx context.Context, claims []Claim) (map[string]bool, error) {
	if len(claims) == 0 {
		return nil, nil
	}
	pipe := r.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(claims))
	for i, c := range claims {
		cmds[i] = pipe.XClaimJustID(ctx, &redis.XClaimArgs{Stream: r.stream, Group: r.group, Consumer: r.consumer,
			MinIdle: max(c.Idle-5*time.Millisecond, 0), Messages: []string{c.ID}})
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("keep entries of %s: %w", r.stream, err)
	}
	kept := map[string]bool{}
	for _, cmd := range cmds {
		for _, id := range cmd.Val() {
			kept[id] = true
		}
	}
	return kept, nil
}

// Ack acknowledges an entry, and deletes its retry state in the same MULTI
// when it has one.
func (r *Reader) Ack(ctx context.Context, id string, hasState bool) error {
	var err error
	if hasState {
		_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.XAck(ctx, r.stream, r.group, id)
			p.HDel(ctx, RetryKey(r.stream, r.group), id)
			return nil
		})
	} else {
		err = r.rdb.XAck(ctx, r.stream, r.group, id).Err()
	}
	if err != nil {
		return fmt.Errorf("ack %s of %s: %w", id, r.stream, err)
	}
	return nil
}

// SaveState stores an entry's retry state.
func (r *Reader) SaveState(ctx context.Context, id string, st RetryState) error {
	if err := r.rdb.HSet(ctx, RetryKey(r.stream, r.group), id, st.Encode()).Err(); err != nil {
		return fmt.Errorf("save retry state of %s: %w", id, err)
	}
	return nil
}

// Recall loads what is known of redelivered entries in one round trip: each
// one's retry state and current delivery count (XPENDING). An entry no longer
// pending has no delivery count.
func (r *Reader) Recall(ctx context.Context, ids []string) (map[string]RetryState, map[string]int64, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	pipe := r.rdb.Pipeline()
	states := pipe.HMGet(ctx, RetryKey(r.stream, r.group), ids...)
	pend := make([]*redis.XPendingExtCmd, len(ids))
	for i, id := range ids {
		pend[i] = pipe.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: r.stream, Group: r.group, Start: id, End: id, Count: 1})
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, fmt.Errorf("recall entries of %s: %w", r.stream, err)
	}
	st := make(map[string]RetryState, len(ids))
	for i, v := range states.Val() {
		s, _ := v.(string)
		parsed, err := ParseRetryState(s)
		if err != nil {
			continue // unreadable: start over rather than stall the entry
		}
		st[ids[i]] = parsed
	}
	dl := make(map[string]int64, len(ids))
	for _, cmd := range pend {
		for _, p := range cmd.Val() {
			dl[p.ID] = p.RetryCount
		}
	}
	return st, dl, nil
}
