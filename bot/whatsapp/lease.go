package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// errLeaseLost: the lease could not be renewed (taken over, expired, or Redis
// unreachable). The holder disconnects at once.
var errLeaseLost = errors.New("whatsapp: connection lease lost")

// lease is a Redis lock with a TTL that makes one replica the holder of a
// number's connection: SET NX PX to take it, a compare-and-pexpire every
// TTL/3 to keep it, compare-and-delete to give it back on a clean stop. A
// holder that crashes stops renewing and another replica takes over within
// the TTL.
type lease struct {
	rdb   redis.UniversalClient
	key   string
	owner string
	ttl   time.Duration
}

var (
	renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)

// try takes the lease if it is free (or already ours).
func (l *lease) try(ctx context.Context) (bool, error) {
	ok, err := l.rdb.SetNX(ctx, l.key, l.owner, l.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("take lease: %w", err)
	}
	if ok {
		return true, nil
	}
	return l.renew(ctx)
}

// renew extends the lease if it is still ours.
func (l *lease) renew(ctx context.Context) (bool, error) {
	n, err := renewScript.Run(ctx, l.rdb, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("renew lease: %w", err)
	}
	return n == 1, nil
}

// acquire waits until the lease is ours or ctx ends.
func (l *lease) acquire(ctx context.Context, onErr func(error)) error {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		ok, err := l.try(ctx)
		if ok {
			return nil
		}
		if err != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// keep renews the lease every TTL/3 until ctx ends (nil) or a renewal fails
// (errLeaseLost).
func (l *lease) keep(ctx context.Context) error {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		ok, err := l.renew(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", errLeaseLost, err)
		}
		if !ok {
			return errLeaseLost
		}
	}
}

// release gives the lease back if it is still ours.
func (l *lease) release(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.rdb, []string{l.key}, l.owner).Err(); err != nil {
		return fmt.Errorf("release lease: %w", err)
	}
	return nil
}
