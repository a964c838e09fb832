package bot

import (
	"context"
	mrand "math/rand/v2"
	"time"
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
