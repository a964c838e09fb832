package redistest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestClientPrefixIsUniqueAndCleaned(t *testing.T) {
	ctx := context.Background()
	var other redis.UniversalClient
	var prefix string
	t.Run("inner", func(t *testing.T) {
		rdb, p := Client(t)
		prefix = p
		_, p2 := Client(t)
		if p == p2 {
			t.Fatalf("two prefixes are equal: %s", p)
		}
		if strings.ContainsAny(p, "*?[]{}\\") {
			t.Fatalf("prefix %q holds special characters", p)
		}
		for _, k := range []string{p + ":a", p + ":{s1}:b", p + ":c:{x}"} {
			if err := rdb.Set(ctx, k, "1", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if err := rdb.Set(ctx, p2+":keep", "1", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	})
	other, _ = Client(t)
	n := 0
	iter := other.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		n++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d keys left under %s after cleanup", n, prefix)
	}
}

func TestServerStopRestart(t *testing.T) {
	s := NewServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: 300 * time.Millisecond})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set on fresh server: %v", err)
	}
	s.Stop()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("ping succeeded on a stopped server")
	}
	s.Restart()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	if err := rdb.Get(ctx, "k").Err(); err != redis.Nil {
		t.Fatalf("restarted server kept data or failed: %v", err)
	}
}

func TestStartServer(t *testing.T) {
	addr, stop := StartServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 300 * time.Millisecond})
	defer rdb.Close()
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	stop()
	stop() // idempotent
	if err := rdb.Ping(context.Background()).Err(); err == nil {
		t.Fatal("ping succeeded after stop")
	}
}
