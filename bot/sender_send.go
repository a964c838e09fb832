package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// senderRedisRetry is how long a chat waits after a Redis failure around its send.
const senderRedisRetry = time.Second

// sendHead sends the oldest entry of a chat that may send now, or defers the
// chat. Only this chat is held back by a failure; the caller goes on with the
// others.
func (w *shardSender) sendHead(ctx context.Context, q *chatQueue) {
	e := q.entries[0]
	msg := e.msg
	log := w.log.With("channel", msg.Channel, "chat", streamChatHash(msg.ChatID), "entry", msg.ID)
	switch {
	case e.delivered:
		w.ackSent(ctx, q, e)
		return
	case e.dead != nil:
		w.finishDead(ctx, q, e)
		return
	}

	// One round trip: already sent? chat unreachable? a stored retry state?
	// within the budgets?
	pipe := w.s.rdb.Pipeline()
	var sent *redis.IntCmd
	var state *redis.StringCmd
	if e.recovered {
		sent = pipe.Exists(ctx, w.s.keys.Sent(w.shard, msg.ID))
		if !e.stateRead {
			state = pipe.HGet(ctx, queue.RetryKey(w.stream, GroupSenders), msg.ID)
		}
	}
	unreach := pipe.Exists(ctx, w.s.keys.Unreachable(msg.Channel, msg.ChatID))
	book := w.s.limiter.queue(ctx, pipe, msg.Channel, msg.ChatID)
	_, err := pipe.Exec(ctx)
	if errors.Is(err, redis.Nil) { // no stored state
		err = nil
	}
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
	if state != nil {
		e.state, _ = queue.ParseRetryState(state.Val()) // unreadable: start over
		e.stateRead = true
	}
	now := time.Now()
	switch {
	case sent != nil && sent.Val() > 0:
		refund()
		w.s.n.duplicates.Add(1)
		w.ackOnly(ctx, msg.Channel, msg.ID, !e.state.IsZero())
		w.pop(q)
		w.s.delivered(ctx, msg, DeliverySent, "")
		return
	case unreach.Val() > 0:
		refund()
		w.s.n.dropped.Add(1)
		w.s.channel(msg.Channel).failed.Add(1)
		w.ackOnly(ctx, msg.Channel, msg.ID, !e.state.IsZero())
		w.pop(q)
		w.s.delivered(ctx, msg, DeliveryFailed, "not sent: the citizen had blocked the bot")
		return
	case e.state.Next.After(now):
		// A retry stored before a restart or a takeover: not yet.
		refund()
		q.notBefore = e.state.Next
		return
	case chatWait > 0 || globalWait > 0:
		refund()
		w.s.n.throttled.Add(1)
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
	err = safeSend(sctx, w.s.senders[msg.Channel], msg)
	cancel()
	if err == nil {
		e.delivered = true
		w.s.n.sent.Add(1)
		w.s.channel(msg.Channel).sent.Add(1)
		w.s.q.Handled()
		w.ackSent(ctx, q, e)
		return
	}
	w.failed(ctx, q, e, err)
}

// failed applies the retry policy to a failed send. A chat that blocked the
// bot is given up at once and marked, so its later replies are not tried.
func (w *shardSender) failed(ctx context.Context, q *chatQueue, e *outEntry, err error) {
	msg := e.msg
	log := w.log.With("channel", msg.Channel, "chat", streamChatHash(msg.ChatID), "entry", msg.ID)
	if se, _ := AsSendError(err); se != nil && se.Unreachable {
		log.Info("chat unreachable; not retrying", "err", err)
		st := e.state
		st.Attempts++
		w.giveUp(ctx, q, e, st, fmt.Sprintf("the citizen blocked the bot or left %s; nothing more is sent to this chat until they write again (%v)",
			msg.Channel, err), true)
		return
	}
	d := w.s.policy.Decide(err, e.state, time.Now())
	if d.Dead {
		log.Warn("reply given up", "err", err, "attempts", d.State.Attempts)
		w.giveUp(ctx, q, e, d.State, msg.Channel+" did not take the message: "+d.Reason, false)
		return
	}
	e.state, e.stateRead = d.State, true
	q.notBefore = d.At
	w.s.q.Retried()
	if d.RetryAfter > 0 {
		w.s.n.rateLimited.Add(1)
		if d.Capped {
			log.Warn("Retry-After capped", "asked", d.RetryAfter, "cap", w.s.policy.RetryAfterCap)
		}
		log.Info("asked by the platform to wait", "retry_after", d.RetryAfter)
		return
	}
	w.s.n.retried.Add(1)
	w.s.channel(msg.Channel).retried.Add(1)
	actx, cancel := senderAckCtx(ctx)
	defer cancel()
	if serr := w.s.rdb.HSet(actx, queue.RetryKey(w.stream, GroupSenders), msg.ID, d.State.Encode()).Err(); serr != nil {
		log.Warn("retry state not stored; kept in memory", "err", serr)
	}
	log.Warn("send failed; will retry", "err", err, "failures", d.State.Failures, "retry_in", time.Until(d.At).Round(time.Millisecond))
}

func safeSend(ctx context.Context, s Sender, msg Outbound) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// The panic value is not named: it may carry message content.
			err = fmt.Errorf("panic in Send (%T)", r)
		}
	}()
	return s.Send(ctx, msg)
}
