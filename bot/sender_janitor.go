package bot

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// housekeeping runs the janitor, the idle refresh and the trim when due.
func (w *shardSender) housekeeping(ctx context.Context) {
	now := time.Now()
	if !now.Before(w.nextJanitor) {
		w.nextJanitor = now.Add(w.s.cfg.JanitorEvery)
		if err := w.refresh(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("refresh held entries", "err", err)
		}
		if err := w.janitor(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("reclaim idle entries", "err", err)
		}
	}
	if !now.Before(w.nextTrim) {
		w.nextTrim = now.Add(w.s.cfg.TrimEvery)
		if _, err := trimDelivered(ctx, w.s.rdb, w.stream, GroupSenders); err != nil && ctx.Err() == nil {
			w.log.Warn("trim outbound stream", "err", err)
		}
		if _, err := pruneConsumers(ctx, w.s.rdb, w.stream, GroupSenders, w.s.cfg.Consumer, consumerRetention); err != nil && ctx.Err() == nil {
			w.log.Warn("prune outbound consumers", "err", err)
		}
	}
}

// refresh resets the idle time of entries held in memory for more than half
// of MinIdle (deferred chats), with XCLAIM JUSTID to this consumer, so no
// janitor takes them. An entry no longer pending (acked or deleted
// elsewhere) is dropped from memory.
func (w *shardSender) refresh(ctx context.Context) error {
	now := time.Now()
	var ids []string
	for id, e := range w.held {
		if now.Sub(e.touched) > w.s.cfg.MinIdle/2 {
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		got, err := w.s.rdb.XClaimJustID(ctx, &redis.XClaimArgs{
			Stream: w.stream, Group: GroupSenders, Consumer: w.s.cfg.Consumer, MinIdle: 0, Messages: batch,
		}).Result()
		if err != nil {
			return err
		}
		kept := make(map[string]bool, len(got))
		for _, id := range got {
			kept[id] = true
			w.held[id].touched = now
		}
		for _, id := range batch {
			if !kept[id] {
				w.unhold(id)
			}
		}
	}
	return nil
}

// unhold drops an entry that is no longer pending from its chat queue.
func (w *shardSender) unhold(id string) {
	e := w.held[id]
	delete(w.held, id)
	key := e.msg.Channel + "\x00" + e.msg.ChatID
	q := w.chats[key]
	if q == nil {
		return
	}
	for i, x := range q.entries {
		if x == e {
			q.entries = append(q.entries[:i], q.entries[i+1:]...)
			break
		}
	}
}

// janitor claims entries idle longer than MinIdle: left by a consumer that
// lost the lease while reading, or by one that died.
func (w *shardSender) janitor(ctx context.Context) error {
	start := "0-0"
	for {
		msgs, next, err := w.s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: w.stream, Group: GroupSenders, Consumer: w.s.cfg.Consumer,
			MinIdle: w.s.cfg.MinIdle, Start: start, Count: 100,
		}).Result()
		if err != nil {
			return err
		}
		fresh := 0
		for _, x := range msgs {
			if _, ok := w.held[x.ID]; !ok {
				fresh++
			}
		}
		if fresh > 0 {
			w.s.n.reclaimed.Add(int64(fresh))
			w.log.Info("reclaimed idle entries", "count", fresh)
		}
		w.enqueue(ctx, msgs, true)
		if next == "0-0" || next == "" {
			return nil
		}
		start = next
	}
}
