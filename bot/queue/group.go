package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// EnsureGroup creates group on stream (and the stream), reading from the
// start. An existing group is left as it is (BUSYGROUP), so every replica may
// call it at start, and a reader calls it again when the stream or the group
// vanished (NOGROUP: a Redis restarted without persistence, a key deleted by
// hand).
func EnsureGroup(ctx context.Context, rdb redis.UniversalClient, stream, group string) error {
	err := rdb.XGroupCreateMkStream(ctx, stream, group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group %s on %s: %w", group, stream, err)
	}
	return nil
}

// IsNoGroup reports a stream or group that does not exist (any more), also
// when a script met it.
func IsNoGroup(err error) bool {
	return err != nil && strings.Contains(err.Error(), "NOGROUP")
}

// IsNoScript reports a script unknown to Redis (its cache was flushed, e.g.
// by a restart): load it and try again.
func IsNoScript(err error) bool {
	return err != nil && strings.Contains(err.Error(), "NOSCRIPT")
}

// Stopped reports that a loop should end: its context ended or the client
// was closed.
func Stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, redis.ErrClosed)
}

// ConsumerName is a consumer name unique to this process: host-pid-random.
func ConsumerName() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "aduan"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}
