package bot

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A shard's outbound stream is sent by one replica at a time: a consumer group
// alone would hand one chat's entries to different replicas, which would then
// send them in any order. The holder of a shard's lease reads and sends it;
// the other replicas stand by and take over when the lease lapses (within its
// TTL). A holder stops sending once it has not renewed for half the TTL, and a
// send is bounded by SendTimeout (< TTL/2), so two holders never send at once.

// renewLease extends a lease held by ARGV[1] to ARGV[2] ms; 0 if not held.
const renewLeaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`

// releaseLease deletes a lease held by ARGV[1].
const releaseLeaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`

// senderLeaseKey is the lease of a shard's outbound stream.
func (k Keys) senderLeaseKey(shard int) string { return k.tag(shard) + "out:lease" }

type shardLease struct {
	rdb   redis.UniversalClient
	key   string
	owner string
	ttl   time.Duration
	// may reports whether this process may hold shards now (nil: always).
	may func() bool
	// yield asks the shard's worker to hand the lease back between two sends.
	yield atomic.Bool
	// mu serialises step and release, so a renewal in flight cannot revive
	// a lease just released.
	mu sync.Mutex
	// validUntil (unix ns) is when this holder must stop sending if it has not
	// renewed by then; 0 when not held.
	validUntil atomic.Int64
}

func newShardLease(rdb redis.UniversalClient, key, owner string, ttl time.Duration, may func() bool) *shardLease {
	return &shardLease{rdb: rdb, key: key, owner: owner, ttl: ttl, may: may}
}

// valid reports whether this process may send the shard now.
func (l *shardLease) valid() bool {
	return time.Now().UnixNano() < l.validUntil.Load()
}

// step acquires the lease if free, or renews it if held; it reports whether
// the lease is held.
func (l *shardLease) step(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := time.Now()
	may := l.may == nil || l.may()
	if l.validUntil.Load() != 0 {
		// Renew even while yielding: the worker releases it between sends.
		l.yield.Store(!may)
		n, err := l.rdb.Eval(ctx, renewLeaseScript, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
		if err != nil {
			return l.valid(), fmt.Errorf("renew lease %s: %w", l.key, err)
		}
		if n == 0 {
			l.validUntil.Store(0)
			return false, nil
		}
		l.validUntil.Store(start.Add(l.ttl / 2).UnixNano())
		return true, nil
	}
	if !may {
		return false, nil
	}
	l.yield.Store(false)
	ok, err := l.rdb.SetNX(ctx, l.key, l.owner, l.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", l.key, err)
	}
	if ok {
		l.validUntil.Store(start.Add(l.ttl / 2).UnixNano())
	}
	return ok, nil
}

// keep acquires and renews the lease until ctx ends.
func (l *shardLease) keep(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(l.ttl / 6)
	defer t.Stop()
	for {
		if _, err := l.step(ctx); err != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// release gives the lease up at once, so another replica takes over without
// waiting for the TTL.
func (l *shardLease) release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.validUntil.Store(0)
	if err := l.rdb.Eval(ctx, releaseLeaseScript, []string{l.key}, l.owner).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", l.key, err)
	}
	return nil
}
