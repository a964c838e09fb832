package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// deliveryError classifies a failed delivery for the outbox.
type deliveryError struct {
	err        error
	permanent  bool          // retrying cannot help: dead-letter at once
	retryAfter time.Duration // the far side's requested wait
}

func (e *deliveryError) Error() string { return e.err.Error() }
func (e *deliveryError) Unwrap() error { return e.err }

func permanent(err error) error { return &deliveryError{err: err, permanent: true} }

// Retry is the retry policy of an outbox.
type Retry struct {
	MaxAttempts int           // then dead letter; default 10
	Base        time.Duration // first backoff; default 2 s
	Max         time.Duration // backoff cap; default 5 min
	// ReclaimIdle is how long an entry may sit unacknowledged with a consumer
	// before another takes it over (the holder is presumed dead). It must be
	// longer than one delivery attempt; default 2 min.
	ReclaimIdle time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 10
	}
	if r.Base <= 0 {
		r.Base = 2 * time.Second
	}
	if r.Max <= 0 {
		r.Max = 5 * time.Minute
	}
	if r.ReclaimIdle <= 0 {
		r.ReclaimIdle = 2 * time.Minute
	}
	return r
}

// backoff is the wait before attempt n+1 (n >= 1): exponential with full
// jitter in [d/2, d].
func (r Retry) backoff(n int) time.Duration {
	d := r.Base << min(n-1, 20)
	if d <= 0 || d > r.Max {
		d = r.Max
	}
	return d/2 + rand.N(d/2+1)
}

// outbox reads one stream through a consumer group and delivers each entry
// with retries: a failed entry stays pending with its attempt count and
// next-attempt time in a small hash; entries a dead consumer left are taken
// over with XAUTOCLAIM; permanent failures and too many attempts go to the
// dead-letter list in the same MULTI as the XACK. A finished entry is deleted
// (XDEL) with its XACK, so the stream holds only pending work and needs no
// trimming. Delivery is at least once: handle must be idempotent.
type outbox struct {
	svc      *Service
	stream   string
	group    string
	consumer string
	kind     string // dead-letter kind
	retry    Retry
	block    time.Duration
	handle   func(ctx context.Context, msg redis.XMessage) error
	target   func(msg redis.XMessage) string // for dead letters
	log      *slog.Logger
}

func (o *outbox) ensureGroup(ctx context.Context) error {
	err := o.svc.rdb.XGroupCreateMkStream(ctx, o.stream, o.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group %s: %w", o.group, err)
	}
	return nil
}

// run delivers until ctx ends. Redis errors are logged and retried.
func (o *outbox) run(ctx context.Context) error {
	o.retry = o.retry.withDefaults()
	if o.block <= 0 {
		o.block = time.Second
	}
	for ctx.Err() == nil {
		if err := o.ensureGroup(ctx); err != nil {
			o.log.Warn("outbox: group", "stream", o.stream, "err", err)
			sleep(ctx, time.Second)
			continue
		}
		break
	}
	for ctx.Err() == nil {
		if err := o.step(ctx); err != nil && ctx.Err() == nil {
			o.log.Warn("outbox: step failed", "stream", o.stream, "err", err)
			sleep(ctx, time.Second)
		}
	}
	return nil
}

// step: take over stale entries, retry own due entries, read new ones.
func (o *outbox) step(ctx context.Context) error {
	claimed, _, err := o.svc.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: o.stream, Group: o.group, Consumer: o.consumer, MinIdle: o.retry.ReclaimIdle, Start: "0-0", Count: 20,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("xautoclaim: %w", err)
	}
	for _, m := range claimed {
		o.log.Info("outbox: took over a stale entry", "stream", o.stream, "id", m.ID)
	}
	wait := o.block
	mine, err := o.read(ctx, "0", -1)
	if err != nil {
		return err
	}
	for _, m := range mine {
		due, err := o.dueIn(ctx, m.ID)
		if err != nil {
			return err
		}
		if due > 0 {
			wait = min(wait, due)
			// Keep it ours: reset its idle time so no one takes it over
			// while it waits for its next attempt.
			o.svc.rdb.XClaimJustID(ctx, &redis.XClaimArgs{Stream: o.stream, Group: o.group,
				Consumer: o.consumer, Messages: []string{m.ID}})
			continue
		}
		o.deliver(ctx, m)
	}
	if ctx.Err() != nil {
		return nil
	}
	fresh, err := o.read(ctx, ">", max(wait, 10*time.Millisecond))
	if err != nil {
		return err
	}
	for _, m := range fresh {
		o.deliver(ctx, m)
	}
	return nil
}

func (o *outbox) read(ctx context.Context, id string, block time.Duration) ([]redis.XMessage, error) {
	res, err := o.svc.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: o.group, Consumer: o.consumer, Streams: []string{o.stream, id}, Count: 20, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) || ctx.Err() != nil {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("xreadgroup %s: %w", id, err)
	}
	var out []redis.XMessage
	for _, s := range res {
		out = append(out, s.Messages...)
	}
	return out, nil
}

// dueIn is how long until the entry's next attempt (<= 0: now).
func (o *outbox) dueIn(ctx context.Context, id string) (time.Duration, error) {
	at, err := o.svc.rdb.HGet(ctx, o.svc.k.tries(o.stream, id), "at").Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("retry state %s: %w", id, err)
	}
	return time.Until(time.UnixMilli(at)), nil
}

// deliver makes one attempt and records its outcome.
func (o *outbox) deliver(ctx context.Context, m redis.XMessage) {
	err := o.handle(ctx, m)
	if ctx.Err() != nil {
		return // shutting down: the entry stays pending for the next run
	}
	tries := o.svc.k.tries(o.stream, m.ID)
	if err == nil {
		if _, err := o.svc.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.XAck(ctx, o.stream, o.group, m.ID)
			p.XDel(ctx, o.stream, m.ID) // one group per stream: done is gone
			p.Del(ctx, tries)
			return nil
		}); err != nil {
			o.log.Warn("outbox: ack failed", "stream", o.stream, "id", m.ID, "err", err)
		}
		return
	}
	n, rerr := o.svc.rdb.HIncrBy(ctx, tries, "n", 1).Result()
	if rerr != nil {
		o.log.Warn("outbox: retry state", "stream", o.stream, "id", m.ID, "err", rerr)
		return
	}
	var de *deliveryError
	isDE := errors.As(err, &de)
	if (isDE && de.permanent) || int(n) >= o.retry.MaxAttempts {
		o.deadLetter(ctx, m, err, int(n))
		return
	}
	wait := o.retry.backoff(int(n))
	if isDE && de.retryAfter > 0 {
		wait = max(de.retryAfter, 0)
	}
	o.log.Info("outbox: delivery failed; will retry", "stream", o.stream, "id", m.ID, "attempt", n,
		"in", wait.Round(time.Millisecond), "err", err)
	o.svc.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, tries, "at", time.Now().Add(wait).UnixMilli())
		p.Expire(ctx, tries, 30*24*time.Hour)
		return nil
	})
}

func (o *outbox) deadLetter(ctx context.Context, m redis.XMessage, cause error, attempts int) {
	vals := map[string]string{}
	for k, v := range m.Values {
		vals[k] = fmt.Sprint(v)
	}
	d := DeadLetter{
		ID: newID(), Kind: o.kind, Number: vals["number"], Error: truncateErr(cause), Attempts: attempts,
		At: time.Now().UTC(), Stream: o.stream, Values: vals,
	}
	if o.target != nil {
		d.Target = o.target(m)
	}
	_, err := o.svc.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if err := o.svc.addDeadLetter(ctx, p, d); err != nil {
			return err
		}
		p.XAck(ctx, o.stream, o.group, m.ID)
		p.XDel(ctx, o.stream, m.ID)
		p.Del(ctx, o.svc.k.tries(o.stream, m.ID))
		return nil
	})
	if err != nil {
		o.log.Warn("outbox: dead letter failed", "stream", o.stream, "id", m.ID, "err", err)
		return
	}
	o.log.Warn("outbox: dead letter", "stream", o.stream, "kind", o.kind, "number", d.Number, "attempts", attempts,
		"err", d.Error)
}

func truncateErr(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// consumerName is a default consumer name for this process.
func consumerName(prefix string) string {
	return prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + randomCode(4)
}
