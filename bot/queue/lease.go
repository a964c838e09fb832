package queue

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease is a Redis lock held by one owner at a time: SET NX PX to take it, a
// compare-and-PEXPIRE script to renew it, a compare-and-DEL script to give it
// back. A holder may act only while Valid: until half the TTL after the
// start of its last successful renewal. Work done under a lease must be
// bounded well below TTL/2, so a holder that stopped renewing (a stalled
// process, a partition) stops acting before the key expires and another
// owner can take it.
type Lease struct {
	rdb   redis.UniversalClient
	key   string
	owner string
	ttl   time.Duration
	// mu serialises renewals and the release, so a renewal in flight cannot
	// revive a lease just released.
	mu sync.Mutex
	// validUntil (Unix ns) is when the holder must stop acting if it has not
	// renewed by then; 0 when not held.
	validUntil atomic.Int64
}

// renewScript extends a lease held by ARGV[1] to ARGV[2] ms; 0 if not held.
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`

// releaseScript deletes a lease held by ARGV[1].
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`

// NewLease returns a lease on key for owner (unique per process).
func NewLease(rdb redis.UniversalClient, key, owner string, ttl time.Duration) *Lease {
	return &Lease{rdb: rdb, key: key, owner: owner, ttl: ttl}
}

// Key is the lease's key.
func (l *Lease) Key() string { return l.key }

// Valid reports whether the holder may act now.
func (l *Lease) Valid() bool { return time.Now().UnixNano() < l.validUntil.Load() }

// Held reports whether this owner believes it holds the lease (it may no
// longer be Valid).
func (l *Lease) Held() bool { return l.validUntil.Load() != 0 }

// Acquire renews the lease if held, else takes it if free; it reports
// whether the lease is held.
func (l *Lease) Acquire(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := time.Now()
	if l.Held() {
		n, err := l.rdb.Eval(ctx, renewScript, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
		return l.renewed(start, n, err)
	}
	ok, err := l.rdb.SetNX(ctx, l.key, l.owner, l.ttl).Result()
	return l.taken(start, ok, err)
}

func (l *Lease) renewed(start time.Time, n int, err error) (bool, error) {
	if err != nil {
		return l.Valid(), fmt.Errorf("renew lease %s: %w", l.key, err)
	}
	if n == 0 {
		l.validUntil.Store(0)
		return false, nil
	}
	l.validUntil.Store(start.Add(l.ttl / 2).UnixNano())
	return true, nil
}

func (l *Lease) taken(start time.Time, ok bool, err error) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", l.key, err)
	}
	if ok {
		l.validUntil.Store(start.Add(l.ttl / 2).UnixNano())
	}
	return ok, nil
}

// Release gives the lease back at once (if this owner holds it), so another
// owner takes it without waiting for the TTL.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.validUntil.Store(0)
	if err := l.rdb.Eval(ctx, releaseScript, []string{l.key}, l.owner).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", l.key, err)
	}
	return nil
}

// Keep acquires and renews the lease every TTL/5 until ctx ends, then
// releases it. onErr is told of Redis failures (nil: ignored).
func (l *Lease) Keep(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(l.ttl / 5)
	defer t.Stop()
	for {
		if _, err := l.Acquire(ctx); err != nil && ctx.Err() == nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			if err := l.Release(rctx); err != nil && onErr != nil {
				onErr(err)
			}
			cancel()
			return
		case <-t.C:
		}
	}
}
