package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/redistest"
)

// A Redis that lost its script cache (a restart, a Sentinel failover to the
// replica) answers NOSCRIPT; the sender must see it also wrapped by the
// booking ("rate limit: NOSCRIPT …"), or it retries forever without loading
// the script again (found by the Sentinel failover test in cmd/aduan).
func TestIsNoScript(t *testing.T) {
	rdb, _ := redistest.Client(t)
	noScript := rdb.EvalSha(context.Background(), "0123456789012345678901234567890123456789", nil).Err()
	tests := []struct {
		err  error
		want bool
	}{
		{noScript, true},
		{fmt.Errorf("rate limit: %w", noScript), true},
		{nil, false},
		{redis.Nil, false},
		{errors.New("NOSCRIPT in a message that is not Redis's"), false},
	}
	for _, tt := range tests {
		if got := isNoScript(tt.err); got != tt.want {
			t.Errorf("isNoScript(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
