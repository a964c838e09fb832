package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// actionRetry is a failed entry waiting for its next attempt; it stays
// pending at this consumer meanwhile.
type actionRetry struct {
	id       string
	due      time.Time
	failedAt time.Time
}

type actionShard struct {
	a                     *ActionWorker
	shard                 int
	stream                string
	log                   *slog.Logger
	retries               []actionRetry // by due time
	reader                groupReader   // own pending entries first, then new ones
	nextJanitor, nextTrim time.Time
}

func (a *ActionWorker) newShard(shard int) *actionShard {
	stream := a.keys.Actions(shard)
	return &actionShard{a: a, shard: shard, stream: stream, log: a.log.With("shard", shard),
		reader: groupReader{rdb: a.rdb, stream: stream, group: GroupHandlers, consumer: a.cfg.Consumer, cursor: "0"}}
}

func (w *actionShard) run(ctx context.Context) {
	errs := 0
	ensured := false
	for ctx.Err() == nil {
		var err error
		if !ensured {
			if err = streamEnsureGroup(ctx, w.a.rdb, w.stream, GroupHandlers); err == nil {
				ensured = true
			}
		}
		if err == nil {
			err = w.step(ctx)
		}
		if err == nil {
			errs = 0
			continue
		}
		if streamStop(ctx, err) {
			return
		}
		if streamNoGroup(err) {
			ensured = false
		}
		errs++
		w.log.Warn("action stream", "err", err, "failures", errs)
		streamSleep(ctx, streamBackoff(errs, 100*time.Millisecond, 5*time.Second))
	}
}

func (w *actionShard) step(ctx context.Context) error {
	now := time.Now()
	if !now.Before(w.nextJanitor) {
		w.nextJanitor = now.Add(w.a.cfg.JanitorEvery)
		if err := w.janitor(ctx); err != nil {
			return fmt.Errorf("reclaim idle actions: %w", err)
		}
	}
	if !now.Before(w.nextTrim) {
		w.nextTrim = now.Add(w.a.cfg.TrimEvery)
		if _, err := trimDelivered(ctx, w.a.rdb, w.stream, GroupHandlers); err != nil && ctx.Err() == nil {
			w.log.Warn("trim action stream", "err", err)
		}
		if _, err := pruneConsumers(ctx, w.a.rdb, w.stream, GroupHandlers, w.a.cfg.Consumer, consumerRetention); err != nil && ctx.Err() == nil {
			w.log.Warn("prune action consumers", "err", err)
		}
	}
	if err := w.retryDue(ctx); err != nil {
		return err
	}
	return w.read(ctx)
}

// read handles new entries (first this consumer's own pending ones). It blocks
// no longer than until the next retry is due.
func (w *actionShard) read(ctx context.Context) error {
	block := w.a.cfg.Block
	if len(w.retries) > 0 {
		block = min(block, time.Until(w.retries[0].due))
	}
	msgs, pending, err := w.reader.read(ctx, int64(w.a.cfg.Batch), block)
	if err != nil {
		return err
	}
	for _, x := range msgs {
		w.handle(ctx, x, pending)
	}
	return nil
}

// retryDue takes failed entries whose wait is over back with XCLAIM (which
// counts a delivery) and handles them again. An entry that another consumer
// took meanwhile, or that is gone, is dropped from the list.
func (w *actionShard) retryDue(ctx context.Context) error {
	now := time.Now()
	for len(w.retries) > 0 && !w.retries[0].due.After(now) && ctx.Err() == nil {
		r := w.retries[0]
		idle := max(now.Sub(r.failedAt)-5*time.Millisecond, 0)
		msgs, err := w.a.rdb.XClaim(ctx, &redis.XClaimArgs{Stream: w.stream, Group: GroupHandlers,
			Consumer: w.a.cfg.Consumer, MinIdle: idle, Messages: []string{r.id}}).Result()
		if err != nil {
			return fmt.Errorf("claim action %s for retry: %w", r.id, err)
		}
		w.retries = w.retries[1:]
		for _, x := range msgs {
			w.handle(ctx, x, true)
		}
	}
	return nil
}

// janitor takes entries idle longer than MinIdle from consumers presumed dead.
func (w *actionShard) janitor(ctx context.Context) error {
	start := "0-0"
	for {
		msgs, next, err := w.a.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: w.stream, Group: GroupHandlers, Consumer: w.a.cfg.Consumer,
			MinIdle: w.a.cfg.MinIdle, Start: start, Count: 50,
		}).Result()
		if err != nil {
			return err
		}
		if len(msgs) > 0 {
			w.a.n.reclaimed.Add(int64(len(msgs)))
			w.log.Info("reclaimed idle actions", "count", len(msgs))
		}
		for _, x := range msgs {
			w.handle(ctx, x, true)
		}
		if next == "0-0" || next == "" || ctx.Err() != nil {
			return nil
		}
		start = next
	}
}

// handle runs the handler on one entry. A redelivered entry that already
// reached MaxDeliveries (it crashed its handlers) is dead-lettered unhandled.
func (w *actionShard) handle(ctx context.Context, x redis.XMessage, redelivered bool) {
	if len(x.Values) == 0 { // deleted while pending
		w.ack(ctx, x.ID)
		return
	}
	raw, _ := x.Values[FieldAction].(string)
	env, err := DecodeAction(x)
	if err != nil {
		w.dead(ctx, x.ID, raw, err, 0)
		return
	}
	log := w.log.With("entry", x.ID, "kind", env.Action.Kind, "channel", env.Channel, "chat", streamChatHash(env.ChatID))
	if redelivered {
		n, err := w.deliveries(ctx, x.ID)
		if err != nil {
			log.Warn("delivery count", "err", err)
		} else if n > w.a.cfg.MaxDeliveries {
			w.dead(ctx, x.ID, raw, fmt.Errorf("delivered %d times without success", n), n)
			return
		}
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.a.cfg.HandleTimeout)
	err = safeHandle(hctx, w.a.handler, env)
	cancel()
	if err == nil {
		w.a.n.handled.Add(1)
		w.ack(ctx, x.ID)
		return
	}
	w.a.n.failed.Add(1)
	n, derr := w.deliveries(ctx, x.ID)
	if derr != nil {
		log.Warn("delivery count", "err", derr)
		n = 1
	}
	if n >= w.a.cfg.MaxDeliveries {
		log.Warn("action failed too often; dead-lettered", "err", err, "deliveries", n)
		w.dead(ctx, x.ID, raw, err, n)
		return
	}
	now := time.Now()
	delay := streamBackoff(int(n), w.a.cfg.BackoffBase, w.a.cfg.BackoffMax)
	log.Warn("action failed; will retry", "err", err, "deliveries", n, "retry_in", delay)
	w.retries = append(w.retries, actionRetry{id: x.ID, due: now.Add(delay), failedAt: now})
	sort.SliceStable(w.retries, func(i, j int) bool { return w.retries[i].due.Before(w.retries[j].due) })
}

// deliveries is the entry's delivery count (XPENDING); 0 if not pending.
func (w *actionShard) deliveries(ctx context.Context, id string) (int64, error) {
	p, err := w.a.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: w.stream, Group: GroupHandlers,
		Start: id, End: id, Count: 1}).Result()
	if err != nil {
		return 0, fmt.Errorf("pending %s: %w", id, err)
	}
	if len(p) == 0 {
		return 0, nil
	}
	return p[0].RetryCount, nil
}

func (w *actionShard) ack(ctx context.Context, id string) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if err := w.a.rdb.XAck(actx, w.stream, GroupHandlers, id).Err(); err != nil {
		w.log.Warn("ack action", "entry", id, "err", err)
	}
}

// dead pushes the entry to the dead list, then acknowledges it.
func (w *actionShard) dead(ctx context.Context, id, raw string, cause error, deliveries int64) {
	b, err := json.Marshal(DeadAction{ID: id, Shard: w.shard, Raw: raw, Error: cause.Error(),
		Deliveries: deliveries, At: time.Now().UTC()})
	if err != nil {
		b = []byte(fmt.Sprintf(`{"id":%q,"error":"unencodable"}`, id))
	}
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if err := w.a.rdb.LPush(actx, w.a.keys.DeadActions(), b).Err(); err != nil {
		// Left pending: the janitor retries it later.
		w.log.Warn("dead-letter action", "entry", id, "err", err)
		return
	}
	w.a.n.deadLettered.Add(1)
	w.ack(ctx, id)
}

func safeHandle(ctx context.Context, h ActionHandler, env ActionEnvelope) (err error) {
	defer streamRecover(&err)
	return h.HandleAction(ctx, env)
}
