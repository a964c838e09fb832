package bot

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// outEntry is an outbound stream entry held in memory until acknowledged.
type outEntry struct {
	msg       Outbound
	recovered bool // read from the PEL: check the sent marker before sending
	delivered bool // Send succeeded; only the ack is missing
	attempts  int  // failed sends (429s not counted)
	touched   time.Time
}

// chatQueue is one chat's entries, oldest first. Only the head is ever sent;
// a deferred head holds back its own chat only.
type chatQueue struct {
	entries   []*outEntry
	notBefore time.Time
}

// shardSender reads and sends one shard's outbound stream while it holds the
// shard's lease.
type shardSender struct {
	s      *ReplySender
	shard  int
	stream string
	lease  *shardLease
	log    *slog.Logger

	chats  map[string]*chatQueue // by channel + "\x00" + chat id
	held   map[string]*outEntry  // by entry id
	reader groupReader           // own pending entries first, then new ones
	// channelNotBefore holds back a channel whose global budget is spent.
	channelNotBefore      map[string]time.Time
	nextJanitor, nextTrim time.Time
}

func newShardSender(s *ReplySender, shard int) *shardSender {
	return &shardSender{
		s: s, shard: shard, stream: s.keys.Outbound(shard),
		lease:  newShardLease(s.rdb, s.keys.senderLeaseKey(shard), s.cfg.Consumer, s.cfg.LeaseTTL, s.cfg.MaySend),
		log:    s.log.With("shard", shard),
		reader: groupReader{rdb: s.rdb, stream: s.keys.Outbound(shard), group: GroupSenders, consumer: s.cfg.Consumer},
		chats:  map[string]*chatQueue{}, held: map[string]*outEntry{},
		channelNotBefore: map[string]time.Time{},
	}
}

func (w *shardSender) run(ctx context.Context) {
	leaseCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		w.lease.keep(leaseCtx, func(err error) { w.log.Warn("shard lease", "err", err) })
	})
	defer func() {
		cancel()
		wg.Wait()
		rctx, c := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer c()
		if err := w.lease.release(rctx); err != nil {
			w.log.Warn("release shard lease", "err", err)
		}
	}()
	owned, errs := false, 0
	for ctx.Err() == nil {
		if !w.lease.valid() {
			if owned {
				w.log.Info("shard lease lost; leaving its entries to the next holder")
				w.forget()
				owned = false
			}
			streamSleep(ctx, 100*time.Millisecond)
			continue
		}
		if owned && w.lease.yield.Load() {
			w.log.Info("handing the shard over (MaySend is false)")
			w.forget()
			owned = false
			rctx, c := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			if err := w.lease.release(rctx); err != nil {
				w.log.Warn("release shard lease", "err", err)
			}
			c()
			continue
		}
		var err error
		if !owned {
			if err = w.takeover(ctx); err == nil {
				owned = true
			}
		} else {
			err = w.step(ctx)
		}
		if err == nil {
			errs = 0
			continue
		}
		if streamStop(ctx, err) {
			return
		}
		errs++
		w.log.Warn("outbound stream", "err", err, "failures", errs)
		streamSleep(ctx, streamBackoff(errs, 100*time.Millisecond, 5*time.Second))
	}
}

// forget drops the in-memory state; the entries stay pending in Redis.
func (w *shardSender) forget() {
	w.chats, w.held, w.reader.cursor = map[string]*chatQueue{}, map[string]*outEntry{}, ""
	w.channelNotBefore = map[string]time.Time{}
}

// takeover claims every pending entry of the shard (the lease makes this
// process its only sender), then re-reads them in id order from its own PEL.
func (w *shardSender) takeover(ctx context.Context) error {
	w.forget()
	if err := streamEnsureGroup(ctx, w.s.rdb, w.stream, GroupSenders); err != nil {
		return err
	}
	start, n := "0-0", 0
	for {
		ids, next, err := w.s.rdb.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{
			Stream: w.stream, Group: GroupSenders, Consumer: w.s.cfg.Consumer,
			MinIdle: 0, Start: start, Count: 500,
		}).Result()
		if err != nil {
			return err
		}
		n += len(ids)
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	w.s.n.reclaimed.Add(int64(n))
	w.reader.cursor = "0"
	now := time.Now()
	w.nextJanitor, w.nextTrim = now.Add(w.s.cfg.JanitorEvery), now.Add(w.s.cfg.TrimEvery)
	w.log.Info("shard taken over", "pending", n)
	return nil
}

func (w *shardSender) step(ctx context.Context) error {
	if !w.lease.valid() {
		return nil
	}
	w.housekeeping(ctx)
	if err := w.fill(ctx); err != nil {
		return err
	}
	w.sendReady(ctx)
	return nil
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

// fill reads entries: first this consumer's own PEL, then new ones. It blocks
// only when no chat can send, and no longer than until one can.
func (w *shardSender) fill(ctx context.Context) error {
	cfg := w.s.cfg
	now := time.Now()
	ready, next := w.readyState(now)
	room := cfg.MaxQueued - len(w.held)
	if room <= 0 {
		if !ready {
			wait := cfg.Block
			if !next.IsZero() {
				wait = min(wait, next.Sub(now))
			}
			streamSleep(ctx, wait)
		}
		return nil
	}
	block := cfg.Block
	if !next.IsZero() {
		block = min(block, next.Sub(now))
	}
	if ready {
		block = -1
	}
	msgs, pending, err := w.reader.read(ctx, int64(min(cfg.Batch, room)), block)
	if err != nil {
		return err
	}
	w.enqueue(ctx, msgs, pending)
	return nil
}

// enqueue files entries under their chats in id order.
func (w *shardSender) enqueue(ctx context.Context, msgs []redis.XMessage, recovered bool) {
	now := time.Now()
	for _, x := range msgs {
		if e, ok := w.held[x.ID]; ok {
			e.touched = now
			continue
		}
		if len(x.Values) == 0 { // deleted from the stream while pending
			w.ackOnly(ctx, x.ID)
			continue
		}
		msg, err := DecodeOutbound(x)
		if err != nil {
			w.deadLetter(ctx, nil, &outEntry{msg: Outbound{ID: x.ID}}, err)
			continue
		}
		e := &outEntry{msg: msg, recovered: recovered, touched: now}
		w.held[x.ID] = e
		key := msg.Channel + "\x00" + msg.ChatID
		q := w.chats[key]
		if q == nil {
			q = &chatQueue{}
			w.chats[key] = q
		}
		q.entries = append(q.entries, e)
		if n := len(q.entries); n > 1 && streamLessID(x.ID, q.entries[n-2].msg.ID) {
			sort.SliceStable(q.entries, func(i, j int) bool {
				return streamLessID(q.entries[i].msg.ID, q.entries[j].msg.ID)
			})
		}
	}
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
		if ctx.Err() != nil || !w.lease.valid() {
			return
		}
		w.sendHead(ctx, q)
	}
}

// readyAt is when a chat's head may be tried: after its own deferral and its
// channel's.
func (w *shardSender) readyAt(q *chatQueue) time.Time {
	at := q.notBefore
	if c := w.channelNotBefore[q.entries[0].msg.Channel]; c.After(at) {
		at = c
	}
	return at
}

func (w *shardSender) pop(q *chatQueue) {
	delete(w.held, q.entries[0].msg.ID)
	q.entries[0] = nil
	q.entries = q.entries[1:]
}
