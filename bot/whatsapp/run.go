package whatsapp

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mau.fi/whatsmeow"

	"github.com/aduan-id/aduan/bot"
)

// Reconnect backoff after an ordinary disconnect.
const (
	backoffMin = time.Second
	backoffMax = 2 * time.Minute
	// unpairedRecheck is how often a holder without a linked device looks
	// again (a link from the console may complete meanwhile).
	unpairedRecheck = 10 * time.Second
)

// Run holds the number's connection until ctx ends: it waits for the Redis
// lease (standby), connects, lets the event handler work, reconnects with
// backoff after ordinary disconnects, stops reconnecting after a logout, ban,
// replacement or outdated client, and disconnects at once when the lease is
// lost (then waits in standby again). On return it disconnects and releases
// the lease. It returns nil when ctx ends.
func (a *Adapter) Run(ctx context.Context, rdb redis.UniversalClient, keys bot.Keys) error {
	a.attach(ctx, rdb, keys)
	l := &lease{rdb: rdb, key: leaseKey(keys), owner: a.cfg.InstanceID, ttl: a.cfg.LeaseTTL}
	for {
		a.setHealth(StateStandby, "waiting for the connection lease")
		err := l.acquire(ctx, func(err error) { a.log.Warn("whatsapp: lease", "err", err) })
		if err != nil {
			return nil
		}
		a.log.Info("whatsapp: connection lease taken", "instance", a.cfg.InstanceID)
		a.clearTerminal()
		term, cancel := context.WithCancel(ctx)
		kept := make(chan error, 1)
		go func() { kept <- l.keep(term); cancel() }()
		a.setHolding(true)
		a.hold(term)
		a.setHolding(false)
		a.client.Disconnect()
		cancel()
		lost := <-kept
		if ctx.Err() != nil {
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := l.release(rctx); err != nil {
				a.log.Warn("whatsapp: release lease", "err", err)
			}
			rcancel()
			a.setHealth(StateDisconnected, "stopped")
			return nil
		}
		a.counters.leaseLost.Add(1)
		a.log.Error("whatsapp: lease lost; disconnected", "err", lost)
	}
}

// hold connects and keeps the connection up until ctx ends.
func (a *Adapter) hold(ctx context.Context) {
	backoff := backoffMin
	for ctx.Err() == nil {
		if a.isTerminal() {
			a.waitTerminal(ctx)
			continue
		}
		if !isPaired(a.client) {
			a.unpaired(ctx)
			continue
		}
		if !a.client.IsConnected() {
			a.setHealth(StateConnecting, "")
			if err := a.client.Connect(); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
				a.setHealth(StateDisconnected, "connect failed: "+scrub(err.Error()))
				sleep(ctx, jitter(backoff))
				backoff = min(2*backoff, backoffMax)
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		}
		switch a.Health().State {
		case StateConnected:
			backoff = backoffMin
		case StateDisconnected:
			if !a.isTerminal() {
				sleep(ctx, jitter(backoff))
				backoff = min(2*backoff, backoffMax)
			}
		}
	}
}

// waitTerminal waits for ctx, or for the end of a temporary ban (then Run
// tries to connect once more).
func (a *Adapter) waitTerminal(ctx context.Context) {
	a.mu.Lock()
	retryAt := a.retryAt
	a.mu.Unlock()
	if retryAt.IsZero() {
		<-ctx.Done()
		return
	}
	if sleep(ctx, retryAt.Sub(a.now())+a.banMargin) {
		a.log.Info("whatsapp: temporary ban over; connecting again")
		a.clearTerminal()
	}
}

func (a *Adapter) clearTerminal() {
	a.mu.Lock()
	a.terminal, a.retryAt = false, time.Time{}
	a.mu.Unlock()
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// jitter spreads d by ±20%.
func jitter(d time.Duration) time.Duration {
	return d*4/5 + rand.N(d*2/5+1)
}
