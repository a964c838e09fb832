package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// How a shard's entries reach the channel holders. One stream per shard
// holds every channel's replies (the dispatcher's one-slot commit writes
// it), and each channel has its own holder. So new entries are not read
// straight into a holder: distributeScript reads them (">") and moves each
// to its channel's consumer in the same atomic step, in id order. A holder
// then reads only its channel consumer's pending entries, in id order from
// where it left off. Whenever any holder reads new entries, every entry up
// to them is already at its channel's consumer, so a holder never sees a
// chat's later reply before an earlier one.

// distributeScript hands out up to ARGV[3] new entries of KEYS[1]: read as
// consumer ARGV[2], each is moved to ARGV[4]..channel, the channel read from
// the JSON in field ARGV[5]. An entry whose channel cannot be read stays
// with ARGV[2] (its holder dead-letters it). Returns {handed out, last id
// of the stream ("0-0" when empty)}.
var distributeScript = redis.NewScript(`
local res = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
local n = 0
if res then
  for _, e in ipairs(res[1][2]) do
    n = n + 1
    local fields, ch = e[2], nil
    if fields then
      for i = 1, #fields, 2 do
        if fields[i] == ARGV[5] then
          local ok, msg = pcall(cjson.decode, fields[i + 1])
          if ok and type(msg) == 'table' and type(msg.ch) == 'string' and msg.ch ~= '' then ch = msg.ch end
        end
      end
    end
    if ch and ARGV[4] .. ch ~= ARGV[2] then
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[4] .. ch, 0, e[1], 'JUSTID')
    end
  end
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if last[1] then return {n, last[1][1]} end
return {n, '0-0'}`)

// fill hands out new entries and reads the owned channels' pending ones, in
// one round trip. It blocks (for new entries) only when nothing was read and
// no chat can send, and no longer than until one can.
func (w *shardSender) fill(ctx context.Context) error {
	cfg := w.s.cfg
	now := time.Now()
	ready, next := w.readyState(now)
	wait := cfg.Block
	if !next.IsZero() {
		wait = min(wait, next.Sub(now))
	}
	wait = min(wait, time.Until(w.nextJanitor))
	room := cfg.MaxQueued - len(w.held)
	if room <= 0 {
		if !ready {
			sleepCtx(ctx, wait)
		}
		return nil
	}
	chans := w.ownedChannels()
	pipe := w.s.rdb.Pipeline()
	dist := distributeScript.EvalSha(ctx, pipe, []string{w.stream},
		GroupSenders, channelConsumer(chans[0]), cfg.Batch, channelConsumerPrefix, FieldOutbound)
	reads := make([]*redis.XStreamSliceCmd, len(chans))
	for i, ch := range chans {
		reads[i] = w.owned[ch].ReadPendingCmd(ctx, pipe, int64(room))
	}
	_, _ = pipe.Exec(ctx)
	if err := dist.Err(); err != nil {
		if queue.IsNoScript(err) {
			return distributeScript.Load(ctx, w.s.rdb).Err()
		}
		if queue.IsNoGroup(err) {
			_ = queue.EnsureGroup(ctx, w.s.rdb, w.stream, GroupSenders)
		}
		return fmt.Errorf("hand out new replies of %s: %w", w.stream, err)
	}
	res, _ := dist.Slice()
	handed, last := scriptResult(res)
	got, more := 0, handed >= int64(cfg.Batch)
	for i, ch := range chans {
		msgs, err := w.owned[ch].PendingRead(ctx, reads[i])
		if err != nil {
			return err
		}
		w.enqueue(ctx, ch, msgs, w.recovering[ch])
		got += len(msgs)
		if len(msgs) >= room {
			more = true
		} else {
			w.recovering[ch] = false // the pass from the start is done
		}
	}
	if got > 0 || more || ready || wait < time.Millisecond {
		return nil
	}
	// Nothing to do: wait for an entry after the last one handed out.
	err := w.s.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{w.stream, last}, Count: 1, Block: wait}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("wait for replies on %s: %w", w.stream, err)
	}
	return nil
}

func scriptResult(res []any) (handed int64, last string) {
	last = "0-0"
	if len(res) == 2 {
		handed, _ = res[0].(int64)
		if s, ok := res[1].(string); ok {
			last = s
		}
	}
	return handed, last
}

// ownedChannels are the channels held in this shard, in name order.
func (w *shardSender) ownedChannels() []string {
	var out []string
	for _, ch := range w.s.channels {
		if _, ok := w.owned[ch]; ok {
			out = append(out, ch)
		}
	}
	return out
}

// enqueue files a channel's entries under their chats in id order.
func (w *shardSender) enqueue(ctx context.Context, ch string, msgs []queue.Message, recovered bool) {
	for _, m := range msgs {
		if _, ok := w.held[m.ID]; ok {
			continue
		}
		if len(m.Values) == 0 { // deleted from the stream while pending
			w.ackOnly(ctx, ch, m.ID, false)
			continue
		}
		msg, err := decodeOutboundValues(m.ID, m.Values)
		if err == nil && msg.Channel != ch {
			if msg.Channel != "" { // not this channel's: move it to its own
				w.move(ctx, ch, m.ID, msg.Channel)
				continue
			}
			err = errors.New("no channel")
		}
		if err != nil {
			w.deadLetterUnreadable(ctx, ch, m, err)
			continue
		}
		// A first read has no stored retry state; a recovered entry may.
		w.hold(&outEntry{msg: msg, raw: m.Values, recovered: recovered, stateRead: !recovered})
	}
}

func decodeOutboundValues(id string, values map[string]string) (Outbound, error) {
	var msg Outbound
	raw, ok := values[FieldOutbound]
	if !ok {
		return msg, fmt.Errorf("stream entry %s: no field %q", id, FieldOutbound)
	}
	if err := json.Unmarshal([]byte(raw), &msg); err != nil {
		return msg, fmt.Errorf("decode outbound %s: %w", id, err)
	}
	msg.ID = id
	return msg, nil
}

// move hands an entry read at channel ch's consumer to its own channel's.
func (w *shardSender) move(ctx context.Context, from, id, to string) {
	err := w.s.rdb.XClaimJustID(ctx, &redis.XClaimArgs{Stream: w.stream, Group: GroupSenders,
		Consumer: channelConsumer(to), Messages: []string{id}}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		w.log.Warn("move a reply to its channel", "entry", id, "from", from, "to", to, "err", err)
	}
}

// adopt moves the entries pending at consumers that are no channel's, idle
// for at least minIdle, to their channels' consumers (an older version's
// per-process consumers, or a consumer that read and died), and re-reads the
// owned channels from the start (moved entries may be older than what was
// read). It returns how many entries moved.
func (w *shardSender) adopt(ctx context.Context, minIdle time.Duration) (int, error) {
	sum, err := w.s.rdb.XPending(ctx, w.stream, GroupSenders).Result()
	if err != nil {
		if queue.IsNoGroup(err) {
			_ = queue.EnsureGroup(ctx, w.s.rdb, w.stream, GroupSenders)
		}
		return 0, fmt.Errorf("pending of %s: %w", w.stream, err)
	}
	moved := 0
	for consumer := range sum.Consumers {
		if isChannelConsumer(consumer) {
			continue
		}
		n, err := w.adoptFrom(ctx, consumer, minIdle)
		moved += n
		if err != nil {
			return moved, err
		}
	}
	if moved > 0 {
		w.s.n.reclaimed.Add(int64(moved))
		w.log.Info("moved replies left by an old consumer to their channels", "count", moved)
		for ch, r := range w.owned {
			r.Rewind()
			w.recovering[ch] = true
		}
	}
	return moved, nil
}

func (w *shardSender) adoptFrom(ctx context.Context, consumer string, minIdle time.Duration) (int, error) {
	pend, err := w.s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: w.stream, Group: GroupSenders,
		Consumer: consumer, Idle: minIdle, Start: "-", End: "+", Count: 500}).Result()
	if err != nil || len(pend) == 0 {
		return 0, err
	}
	pipe := w.s.rdb.Pipeline()
	entries := make([]*redis.XMessageSliceCmd, len(pend))
	for i, p := range pend {
		entries[i] = pipe.XRangeN(ctx, w.stream, p.ID, p.ID, 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("read old consumer's entries: %w", err)
	}
	fallback := channelConsumer(w.ownedChannels()[0])
	pipe = w.s.rdb.Pipeline()
	for i, p := range pend {
		xs := entries[i].Val()
		if len(xs) == 0 { // deleted: nothing to send
			pipe.XAck(ctx, w.stream, GroupSenders, p.ID)
			continue
		}
		to := fallback // unreadable: its dead letter is written by this holder
		if msg, err := DecodeOutbound(xs[0]); err == nil && msg.Channel != "" {
			to = channelConsumer(msg.Channel)
		}
		pipe.XClaimJustID(ctx, &redis.XClaimArgs{Stream: w.stream, Group: GroupSenders, Consumer: to,
			MinIdle: minIdle, Messages: []string{p.ID}})
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("move old consumer's entries: %w", err)
	}
	return len(pend), nil
}

// housekeeping, when due: adopt entries of old consumers (which also
// re-reads the owned channels from the start), trim delivered entries and
// prune silent consumers.
func (w *shardSender) housekeeping(ctx context.Context) {
	now := time.Now()
	chans := w.ownedChannels()
	if !now.Before(w.nextJanitor) {
		w.nextJanitor = now.Add(w.s.cfg.JanitorEvery)
		if _, err := w.adopt(ctx, w.s.cfg.MinIdle); err != nil && ctx.Err() == nil {
			w.log.Warn("move replies of old consumers", "err", err)
		}
		for _, ch := range chans { // entries moved here by other processes
			w.owned[ch].Rewind()
			w.recovering[ch] = true
		}
	}
	if !now.Before(w.nextTrim) {
		w.nextTrim = now.Add(w.s.cfg.TrimEvery)
		r := w.owned[chans[0]]
		if _, err := r.Trim(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("trim outbound stream", "err", err)
		}
		if _, err := r.Prune(ctx, queue.ConsumerRetention, isChannelConsumer); err != nil && ctx.Err() == nil {
			w.log.Warn("prune outbound consumers", "err", err)
		}
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
