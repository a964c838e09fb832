package console

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// loginLimiter counts failed logins per account and per client address in
// Redis (shared by all replicas). When either count reaches max within the
// window, logins for that account or from that address are refused (429)
// until the window, which starts at the first failure, has passed.
type loginLimiter struct {
	rdb    redis.UniversalClient
	prefix string
	max    int64
	window time.Duration
}

func (l *loginLimiter) keys(email, ip string) (string, string) {
	return l.prefix + ":console:fail:acct:" + email, l.prefix + ":console:fail:ip:" + ip
}

// blocked reports whether the account or the address is locked out, and for
// how long.
func (l *loginLimiter) blocked(ctx context.Context, email, ip string) (bool, time.Duration, error) {
	ka, ki := l.keys(email, ip)
	pipe := l.rdb.Pipeline()
	ca, ci := pipe.Get(ctx, ka), pipe.Get(ctx, ki)
	ta, ti := pipe.PTTL(ctx, ka), pipe.PTTL(ctx, ki)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return false, 0, fmt.Errorf("login limiter: %w", err)
	}
	na, _ := ca.Int64()
	ni, _ := ci.Int64()
	var wait time.Duration
	if na >= l.max {
		wait = max(wait, ta.Val())
	}
	if ni >= l.max {
		wait = max(wait, ti.Val())
	}
	if na >= l.max || ni >= l.max {
		return true, max(wait, time.Second), nil
	}
	return false, 0, nil
}

// fail counts one failed login for the account and the address.
func (l *loginLimiter) fail(ctx context.Context, email, ip string) error {
	ka, ki := l.keys(email, ip)
	pipe := l.rdb.Pipeline()
	for _, k := range []string{ka, ki} {
		pipe.Incr(ctx, k)
		pipe.ExpireNX(ctx, k, l.window)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("login limiter: %w", err)
	}
	return nil
}

// succeed clears the account's failures after a correct password. The
// address's count stays: a correct login must not let an address go on
// guessing other accounts.
func (l *loginLimiter) succeed(ctx context.Context, email string) error {
	ka, _ := l.keys(email, "")
	if err := l.rdb.Del(ctx, ka).Err(); err != nil {
		return fmt.Errorf("login limiter: %w", err)
	}
	return nil
}
