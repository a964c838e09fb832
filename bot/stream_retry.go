package bot

import (
	"context"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"runtime"
	"time"

	"github.com/redis/go-redis/v9"
)

// streamBackoff is the delay before retry n (1-based): exponential from base, capped
// at max, with full jitter in its upper half.
func streamBackoff(n int, base, maxDelay time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	return d/2 + mrand.N(d/2+1)
}

// streamSleep waits d or until ctx ends; false when ctx ended.
func streamSleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// streamRecover turns a panic of a Sender or ActionHandler into an error, so
// one bad message cannot take the process down (the entry is retried, then
// dead-lettered). The panic value is named only for runtime errors: others
// may carry message content.
func streamRecover(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if re, ok := r.(runtime.Error); ok {
		*err = fmt.Errorf("panic: %w", re)
		return
	}
	*err = fmt.Errorf("panic (%T)", r)
}

// warnSmallPool logs when the client's connection pool is smaller than the
// blocking readers need (each holds a connection for up to its Block time).
func warnSmallPool(rdb redis.UniversalClient, need int, log *slog.Logger) {
	if c, ok := rdb.(*redis.Client); ok && c.Options().PoolSize < need {
		log.Warn("redis pool smaller than the stream readers need; set PoolSize",
			"pool_size", c.Options().PoolSize, "need", need)
	}
}
