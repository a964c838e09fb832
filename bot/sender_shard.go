package bot

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/aduan-id/aduan/bot/queue"
)

// outEntry is an outbound stream entry held in memory until acknowledged.
type outEntry struct {
	msg       Outbound
	raw       map[string]string // the entry's fields, for a dead letter
	recovered bool              // read again from the pending list: check the sent marker (and the retry state) first
	delivered bool              // Send succeeded; only the ack is missing
	state     queue.RetryState  // failed attempts so far
	stateRead bool              // state loaded from Redis (or the entry never failed before it was read)
	// dead is set once the entry was given up: only the dead letter's write
	// (and the ack) are left to do.
	dead        *queue.DeadLetter
	deadFails   int
	unreachable bool // given up because the chat blocked the bot: mark the chat with the ack
}

// chatQueue is one chat's entries, oldest first. Only the head is ever sent;
// a deferred head holds back its own chat only.
type chatQueue struct {
	channel   string
	entries   []*outEntry
	notBefore time.Time
}

// shardSender reads and sends one shard's outbound stream for the channels
// whose lease in that shard this process holds.
type shardSender struct {
	s      *ReplySender
	shard  int
	stream string
	log    *slog.Logger

	owned      map[string]*queue.Reader // by channel: reads the channel consumer's pending entries
	recovering map[string]bool          // by channel: reading its pending entries from the start
	chats      map[string]*chatQueue    // by channel + "\x00" + chat id
	held       map[string]*outEntry     // by entry id
	// channelNotBefore holds back a channel whose global budget is spent.
	channelNotBefore      map[string]time.Time
	nextJanitor, nextTrim time.Time
}

func newShardSender(s *ReplySender, shard int) *shardSender {
	return &shardSender{
		s: s, shard: shard, stream: s.keys.Outbound(shard), log: s.log.With("shard", shard),
		owned: map[string]*queue.Reader{}, recovering: map[string]bool{},
		chats: map[string]*chatQueue{}, held: map[string]*outEntry{}, channelNotBefore: map[string]time.Time{},
	}
}

// run sends until ctx ends. Nothing is in flight when it returns; the leases
// are released by the sender once every shard has stopped.
func (w *shardSender) run(ctx context.Context) {
	errs := 0
	for ctx.Err() == nil {
		w.syncLeases(ctx)
		if len(w.owned) == 0 {
			sleepCtx(ctx, 100*time.Millisecond)
			continue
		}
		err := w.step(ctx)
		if err == nil {
			errs = 0
			continue
		}
		if queue.Stopped(ctx, err) {
			return
		}
		errs++
		w.log.Warn("outbound stream", "err", err, "failures", errs)
		sleepCtx(ctx, 50*time.Millisecond+queue.FullJitter(errs, 100*time.Millisecond, 5*time.Second))
	}
}

func (w *shardSender) step(ctx context.Context) error {
	w.housekeeping(ctx)
	if err := w.fill(ctx); err != nil {
		return err
	}
	w.sendReady(ctx)
	return nil
}

// hold files an entry under its chat, in id order.
func (w *shardSender) hold(e *outEntry) {
	w.held[e.msg.ID] = e
	key := e.msg.Channel + "\x00" + e.msg.ChatID
	q := w.chats[key]
	if q == nil {
		q = &chatQueue{channel: e.msg.Channel}
		w.chats[key] = q
	}
	q.entries = append(q.entries, e)
	if n := len(q.entries); n > 1 && queue.LessID(e.msg.ID, q.entries[n-2].msg.ID) {
		sort.SliceStable(q.entries, func(i, j int) bool { return queue.LessID(q.entries[i].msg.ID, q.entries[j].msg.ID) })
	}
}

// readyState reports whether a chat may send now, else the earliest time one may.
func (w *shardSender) readyState(now time.Time) (ready bool, next time.Time) {
	for _, q := range w.chats {
		if len(q.entries) == 0 {
			continue
		}
		at := w.readyAt(q)
		if !at.After(now) {
			return true, time.Time{}
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return false, next
}

// sendReady tries the head of every chat that may send now.
func (w *shardSender) sendReady(ctx context.Context) {
	now := time.Now()
	for key, q := range w.chats {
		if len(q.entries) == 0 {
			delete(w.chats, key)
			continue
		}
		if w.readyAt(q).After(now) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if !w.ownsValid(q.channel) {
			continue // the lease lapsed: stop sending it (syncLeases forgets it)
		}
		w.sendHead(ctx, q)
	}
}

// readyAt is when a chat's head may be tried: after its own deferral and its
// channel's.
func (w *shardSender) readyAt(q *chatQueue) time.Time {
	at := q.notBefore
	if c := w.channelNotBefore[q.channel]; c.After(at) {
		at = c
	}
	return at
}

func (w *shardSender) pop(q *chatQueue) {
	delete(w.held, q.entries[0].msg.ID)
	q.entries[0] = nil
	q.entries = q.entries[1:]
}
