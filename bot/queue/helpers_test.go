package queue

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/redistest"
)

// testStream is a stream name under a unique prefix, with its group created.
func testStream(t *testing.T) (redis.UniversalClient, string, string) {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	stream := prefix + ":{s0}:work"
	if err := EnsureGroup(context.Background(), rdb, stream, "g"); err != nil {
		t.Fatal(err)
	}
	return rdb, prefix, stream
}

// add appends an entry with field "n" = n.
func add(t *testing.T, rdb redis.UniversalClient, stream string, n int) string {
	t.Helper()
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []any{"n", strconv.Itoa(n)}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFor polls cond until it holds; the deadline only bounds a hung test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ids(msgs []Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

func rangeIDs(t *testing.T, rdb redis.UniversalClient, stream string) []string {
	t.Helper()
	xs, err := rdb.XRange(context.Background(), stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out
}

// logBuffer is a goroutine-safe log sink (bot/bottest imports package bot,
// which imports this one).
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
