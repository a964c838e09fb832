package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DeadReply is an entry of keys.DeadOutbound(): a reply that could not be
// delivered, with why.
type DeadReply struct {
	ID       string    `json:"id"` // outbound stream entry id
	Shard    int       `json:"shard"`
	Message  Outbound  `json:"msg"`
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
}

// senderRedisRetry is how long a chat waits after a Redis failure around its send.
const senderRedisRetry = time.Second

// sendHead sends the oldest entry of a chat that may send now, or defers the
// chat. Only this chat is held back by a failure; the caller goes on with the
// others.
func (w *shardSender) sendHead(ctx context.Context, q *chatQueue) {
	e := q.entries[0]
	msg := e.msg
	log := w.log.With("channel", msg.Channel, "chat", streamChatHash(msg.ChatID), "entry", msg.ID)
	if e.delivered {
		w.ackSent(ctx, q, e)
		return
	}
	sender := w.s.senders[msg.Channel]
	if sender == nil {
		w.deadLetter(ctx, q, e, fmt.Errorf("no sender for channel %q", msg.Channel))
		return
	}

	// One round trip: already sent? chat unreachable? within the budgets?
	pipe := w.s.rdb.Pipeline()
	var sent *redis.IntCmd
	if e.recovered {
		sent = pipe.Exists(ctx, w.s.keys.Sent(w.shard, msg.ID))
	}
	unreach := pipe.Exists(ctx, w.s.keys.Unreachable(msg.Channel, msg.ChatID))
	book := w.s.limiter.queue(ctx, pipe, msg.Channel, msg.ChatID)
	_, err := pipe.Exec(ctx)
	var chatWait, globalWait time.Duration
	var chatBooked, globalBooked bool
	if err == nil {
		chatWait, globalWait, chatBooked, globalBooked, err = book.wait()
	}
	if isNoScript(err) {
		// Redis restarted and forgot the rate script: load it, try soon.
		_ = gcra.Load(ctx, w.s.rdb).Err()
	}
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("check before send", "err", err)
		}
		q.notBefore = time.Now().Add(senderRedisRetry)
		return
	}
	refund := func() {
		if err := book.refund(ctx, w.s.rdb, chatBooked, globalBooked); err != nil {
			log.Warn("refund send budget", "err", err)
		}
	}
	switch {
	case sent != nil && sent.Val() > 0:
		refund()
		w.s.n.duplicates.Add(1)
		w.ackOnly(ctx, msg.ID)
		w.pop(q)
		return
	case unreach.Val() > 0:
		refund()
		w.s.n.dropped.Add(1)
		w.ackOnly(ctx, msg.ID)
		w.pop(q)
		return
	case chatWait > 0 || globalWait > 0:
		refund()
		w.s.n.throttled.Add(1)
		now := time.Now()
		if globalWait > 0 {
			// No chat of this channel can go before then: don't ask for each.
			// Every shard waiting for the channel's budget would wake for the
			// same next token and all but one be refused again (the load test
			// saw ~24 bookings per delivered reply at 30/s): spread the shards
			// over about one token interval each.
			globalWait += w.s.globalSpread(msg.Channel)
			w.channelNotBefore[msg.Channel] = now.Add(globalWait)
		}
		q.notBefore = now.Add(max(chatWait, globalWait))
		return
	}

	// Shutdown lets a started send finish and be acknowledged.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.s.cfg.SendTimeout)
	err = safeSend(sctx, sender, msg)
	cancel()
	if err == nil {
		e.delivered = true
		w.s.n.sent.Add(1)
		w.ackSent(ctx, q, e)
		return
	}
	se, _ := AsSendError(err)
	switch {
	case se != nil && se.Unreachable:
		w.s.n.unreachable.Add(1)
		log.Info("chat unreachable; not retrying", "err", err)
		w.markUnreachable(ctx, q, e)
	case se != nil && se.Permanent:
		log.Warn("send failed permanently", "err", err)
		w.deadLetter(ctx, q, e, err)
	case se != nil && se.RetryAfter > 0:
		w.s.n.rateLimited.Add(1)
		log.Info("rate limited by the platform", "retry_after", se.RetryAfter)
		q.notBefore = time.Now().Add(se.RetryAfter)
	default:
		e.attempts++
		if e.attempts >= w.s.cfg.MaxAttempts {
			log.Warn("send failed too often", "err", err, "attempts", e.attempts)
			w.deadLetter(ctx, q, e, err)
			return
		}
		w.s.n.retried.Add(1)
		delay := streamBackoff(e.attempts, w.s.cfg.BackoffBase, w.s.cfg.BackoffMax)
		log.Warn("send failed; will retry", "err", err, "attempts", e.attempts, "retry_in", delay)
		q.notBefore = time.Now().Add(delay)
	}
}

// senderAckCtx outlives a shutdown briefly, so a finished send is acknowledged.
func senderAckCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// ackSent sets the sent marker and acknowledges, atomically (same slot).
func (w *shardSender) ackSent(ctx context.Context, q *chatQueue, e *outEntry) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	_, err := w.s.rdb.TxPipelined(actx, func(p redis.Pipeliner) error {
		p.Set(actx, w.s.keys.Sent(w.shard, e.msg.ID), "1", w.s.cfg.SentTTL)
		p.XAck(actx, w.stream, GroupSenders, e.msg.ID)
		return nil
	})
	if err != nil {
		w.log.Warn("ack sent reply", "entry", e.msg.ID, "err", err)
		q.notBefore = time.Now().Add(senderRedisRetry)
		return
	}
	w.pop(q)
}

func (w *shardSender) ackOnly(ctx context.Context, id string) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if err := w.s.rdb.XAck(actx, w.stream, GroupSenders, id).Err(); err != nil {
		w.log.Warn("ack reply", "entry", id, "err", err)
	}
}

// markUnreachable marks the chat (the dispatcher clears the mark when the
// citizen writes again) and acknowledges the entry.
func (w *shardSender) markUnreachable(ctx context.Context, q *chatQueue, e *outEntry) {
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	_, err := w.s.rdb.TxPipelined(actx, func(p redis.Pipeliner) error {
		p.Set(actx, w.s.keys.Unreachable(e.msg.Channel, e.msg.ChatID), "1", w.s.cfg.UnreachableTTL)
		p.XAck(actx, w.stream, GroupSenders, e.msg.ID)
		return nil
	})
	if err != nil {
		w.log.Warn("mark chat unreachable", "entry", e.msg.ID, "err", err)
		q.notBefore = time.Now().Add(senderRedisRetry)
		return
	}
	w.pop(q)
}

// deadLetter moves an entry to the dead list and acknowledges it. q is nil
// for an entry that never made it into a chat queue (undecodable).
func (w *shardSender) deadLetter(ctx context.Context, q *chatQueue, e *outEntry, cause error) {
	dead, err := json.Marshal(DeadReply{
		ID: e.msg.ID, Shard: w.shard, Message: e.msg, Error: cause.Error(),
		Attempts: e.attempts, At: time.Now().UTC(),
	})
	if err != nil {
		dead = []byte(fmt.Sprintf(`{"id":%q,"error":"unencodable"}`, e.msg.ID))
	}
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	// Two slots on a cluster: push first, so a failure between the two can
	// only duplicate a dead letter, never lose one.
	if err := w.s.rdb.LPush(actx, w.s.keys.DeadOutbound(), dead).Err(); err != nil {
		w.log.Warn("dead-letter reply", "entry", e.msg.ID, "err", err)
		if q != nil {
			q.notBefore = time.Now().Add(senderRedisRetry)
		}
		return
	}
	w.s.n.deadLettered.Add(1)
	if err := w.s.rdb.XAck(actx, w.stream, GroupSenders, e.msg.ID).Err(); err != nil && !errors.Is(err, redis.Nil) {
		w.log.Warn("ack dead reply", "entry", e.msg.ID, "err", err)
	}
	if q != nil {
		w.pop(q)
	}
}

func safeSend(ctx context.Context, s Sender, msg Outbound) (err error) {
	defer streamRecover(&err)
	return s.Send(ctx, msg)
}
