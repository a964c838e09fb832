package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// deadKindReply is the dead letters' Kind for replies.
const deadKindReply = "reply"

// senderAckCtx outlives a shutdown briefly, so a finished send is acknowledged.
func senderAckCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// ackSent sets the sent marker and acknowledges, atomically (same slot), and
// drops the retry state.
func (w *shardSender) ackSent(ctx context.Context, q *chatQueue, e *outEntry) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	_, err := w.s.rdb.TxPipelined(actx, func(p redis.Pipeliner) error {
		p.Set(actx, w.s.keys.Sent(w.shard, e.msg.ID), "1", w.s.cfg.SentTTL)
		p.XAck(actx, w.stream, GroupSenders, e.msg.ID)
		if !e.state.IsZero() {
			p.HDel(actx, queue.RetryKey(w.stream, GroupSenders), e.msg.ID)
		}
		return nil
	})
	if err != nil {
		w.log.Warn("ack sent reply", "entry", e.msg.ID, "err", err)
		q.notBefore = time.Now().Add(senderRedisRetry)
		return
	}
	w.pop(q)
	w.s.delivered(ctx, e.msg, DeliverySent, "")
}

// ackOnly acknowledges an entry that will not be sent.
func (w *shardSender) ackOnly(ctx context.Context, ch, id string, hasState bool) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	r := w.owned[ch]
	if r == nil {
		r = queue.NewReader(w.s.rdb, w.stream, GroupSenders, channelConsumer(ch))
	}
	if err := r.Ack(actx, id, hasState); err != nil {
		w.log.Warn("ack reply", "entry", id, "err", err)
	}
}

// giveUp dead-letters an entry (and, for a chat that blocked the bot, marks
// the chat unreachable).
func (w *shardSender) giveUp(ctx context.Context, q *chatQueue, e *outEntry, st queue.RetryState, reason string, unreachable bool) {
	now := time.Now().UTC()
	first := st.FirstAny
	if first.IsZero() {
		first = now
	}
	e.state, e.unreachable = st, unreachable
	e.dead = &queue.DeadLetter{ID: queue.DeadLetterID(w.stream, e.msg.ID), Kind: deadKindReply, Stream: w.stream,
		Entry: e.msg.ID, Number: refNumber(e.msg.Ref), Target: e.msg.Channel, Error: reason, Attempts: st.Attempts,
		FirstAt: first.UTC(), LastAt: now, Payload: e.raw}
	w.finishDead(ctx, q, e)
}

// finishDead writes an entry's dead letter, then acknowledges it (marking
// its chat unreachable in the same MULTI when it blocked the bot). A failed
// write leaves the entry pending and its chat deferred; it is written again
// later. A crash between the write and the ack writes it again: the sink
// deduplicates by (stream, entry).
func (w *shardSender) finishDead(ctx context.Context, q *chatQueue, e *outEntry) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if err := w.s.sink.AddDeadLetter(actx, *e.dead); err != nil {
		e.deadFails++
		wait := 50*time.Millisecond + queue.FullJitter(e.deadFails, time.Second, time.Minute)
		w.log.Warn("dead letter not written; reply kept pending, will try again", "entry", e.msg.ID, "err", err,
			"retry_in", wait.Round(time.Millisecond))
		q.notBefore = time.Now().Add(wait)
		return
	}
	_, err := w.s.rdb.TxPipelined(actx, func(p redis.Pipeliner) error {
		if e.unreachable {
			p.Set(actx, w.s.keys.Unreachable(e.msg.Channel, e.msg.ChatID), "1", w.s.cfg.UnreachableTTL)
		}
		p.XAck(actx, w.stream, GroupSenders, e.msg.ID)
		p.HDel(actx, queue.RetryKey(w.stream, GroupSenders), e.msg.ID)
		return nil
	})
	if err != nil {
		w.log.Warn("ack dead reply", "entry", e.msg.ID, "err", err)
		q.notBefore = time.Now().Add(senderRedisRetry)
		return
	}
	if e.unreachable {
		w.s.n.unreachable.Add(1)
	}
	w.s.n.deadLettered.Add(1)
	w.s.channel(e.msg.Channel).failed.Add(1)
	w.s.q.Dead()
	w.pop(q)
	w.s.delivered(ctx, e.msg, DeliveryFailed, e.dead.Error)
}

// deadLetterUnreadable gives up on an entry that is not a reply (it could
// not be decoded). It was never filed under a chat; if its dead letter
// cannot be written it stays pending and is read again later.
func (w *shardSender) deadLetterUnreadable(ctx context.Context, ch string, m queue.Message, cause error) {
	now := time.Now().UTC()
	d := queue.DeadLetter{ID: queue.DeadLetterID(w.stream, m.ID), Kind: deadKindReply, Stream: w.stream, Entry: m.ID,
		Error: "not a valid reply entry: " + cause.Error(), Attempts: 1, FirstAt: now, LastAt: now, Payload: m.Values}
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if err := w.s.sink.AddDeadLetter(actx, d); err != nil {
		w.log.Warn("dead letter not written; entry kept pending", "entry", m.ID, "err", err)
		return
	}
	w.s.n.deadLettered.Add(1)
	w.s.channel(ch).failed.Add(1)
	w.s.q.Dead()
	w.ackOnly(ctx, ch, m.ID, true)
}

// refNumber is the tracking number a Ref starts with ("SDA-7KQ2MX/..."), if any.
func refNumber(ref string) string {
	n, _, ok := strings.Cut(ref, "/")
	if !ok {
		return ""
	}
	return n
}

// delivered tells OnDelivery what became of a message with a Ref, off the
// sending path.
func (s *ReplySender) delivered(ctx context.Context, msg Outbound, status, detail string) {
	if s.cfg.OnDelivery == nil || msg.Ref == "" {
		return
	}
	d := Delivery{Status: status, At: time.Now().UTC(), Detail: detail}
	s.hooks.Go(func() {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := safeDelivered(hctx, s.cfg.OnDelivery, msg.Ref, d); err != nil {
			s.log.Warn("delivery status not recorded", "ref", msg.Ref, "status", status, "err", err)
		}
	})
}

func safeDelivered(ctx context.Context, f func(context.Context, string, Delivery) error, ref string, d Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in OnDelivery (%T)", r)
		}
	}()
	return f(ctx, ref, d)
}
