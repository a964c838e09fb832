package queue

import (
	"context"
	"fmt"
	"time"
)

// handle runs Handle on one entry and records the outcome: acknowledged,
// held for a retry (state stored), or dead-lettered.
func (l *streamLoop) handle(ctx context.Context, m Message, deliveries int64) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.w.cfg.HandleTimeout)
	err := l.w.safeHandle(hctx, m)
	cancel()
	if err == nil {
		if l.ack(ctx, m.ID, !m.Retry.IsZero()) {
			l.w.n.Handled()
		}
		return
	}
	now := time.Now()
	d := l.w.cfg.Policy.Decide(err, m.Retry, now)
	d.State.Deliveries = deliveries
	if d.Dead {
		l.deadLetter(ctx, m, d.State, d.Reason)
		return
	}
	log := l.log.With(append([]any{"entry", m.ID, "attempts", d.State.Attempts}, l.w.describe(m).Log...)...)
	if d.Capped {
		log.Warn("Retry-After capped", "asked", d.RetryAfter, "cap", l.w.cfg.Policy.RetryAfterCap)
	}
	wctx, wcancel := writeCtx(ctx)
	if serr := l.r.SaveState(wctx, m.ID, d.State); serr != nil {
		log.Warn("retry state not stored; kept in memory", "err", serr)
	}
	wcancel()
	l.w.n.Retried()
	if d.RetryAfter > 0 {
		log.Info("asked to wait; will retry", "err", err, "retry_in", time.Until(d.At).Round(time.Millisecond))
	} else {
		log.Warn("failed; will retry", "err", err, "failures", d.State.Failures, "retry_in", time.Until(d.At).Round(time.Millisecond))
	}
	m.Retry = d.State
	l.hold(&waitEntry{msg: m, due: d.At, touched: now, deliveries: deliveries})
}

// ack acknowledges an entry (and drops its retry state); false on failure,
// when it stays pending and comes back later.
func (l *streamLoop) ack(ctx context.Context, id string, hasState bool) bool {
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	if err := l.r.Ack(wctx, id, hasState); err != nil {
		l.log.Warn("acknowledge", "entry", id, "err", err)
		return false
	}
	return true
}

// deadLetter gives up on an entry: its dead letter goes to the sink, then it
// is acknowledged.
func (l *streamLoop) deadLetter(ctx context.Context, m Message, st RetryState, reason string) {
	desc := l.w.describe(m)
	now := time.Now().UTC()
	first := st.FirstAny
	if first.IsZero() {
		first = now
	}
	d := DeadLetter{ID: DeadLetterID(m.Stream, m.ID), Kind: l.w.cfg.Name, Stream: m.Stream, Entry: m.ID,
		Number: desc.Number, Target: desc.Target, Error: reason, Attempts: st.Attempts,
		FirstAt: first.UTC(), LastAt: now, Payload: m.Values}
	m.Retry = st
	l.writeDead(ctx, m, d, 0)
}

// writeDead writes a dead letter and acknowledges its entry, never the other
// way round: an entry whose dead letter could not be written stays pending
// and the write is tried again later. A crash between the write and the
// acknowledgement writes it again: the sink deduplicates by (Stream, Entry).
func (l *streamLoop) writeDead(ctx context.Context, m Message, d DeadLetter, fails int) {
	log := l.log.With(append([]any{"entry", m.ID}, l.w.describe(m).Log...)...)
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	if err := l.w.cfg.DeadLetters.AddDeadLetter(wctx, d); err != nil {
		fails++
		wait := 50*time.Millisecond + FullJitter(fails, time.Second, time.Minute)
		log.Warn("dead letter not written; entry kept pending, will try again", "err", err, "retry_in", wait.Round(time.Millisecond))
		now := time.Now()
		l.hold(&waitEntry{msg: m, due: now.Add(wait), touched: now, dead: &d, sinkFails: fails})
		return
	}
	l.w.n.Dead()
	log.Warn("dead-lettered", "reason", d.Error, "attempts", d.Attempts)
	l.ack(ctx, m.ID, true)
}

func poisonReason(n int64) string {
	return fmt.Sprintf("handling never finished: delivered %d times without an outcome (did it crash the process?)", n)
}
