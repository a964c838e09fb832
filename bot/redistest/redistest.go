// Package redistest gives tests a real Redis: a client with a unique key
// prefix that is cleaned up after the test (SCAN + DEL, never FLUSH), and a
// private redis-server process that a test may stop and restart (to test what
// happens when Redis goes away).
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultAddr is used when REDIS_ADDR is not set.
const DefaultAddr = "127.0.0.1:6379"

// Addr is the address of the shared test Redis: REDIS_ADDR or DefaultAddr.
func Addr() string {
	if a := os.Getenv("REDIS_ADDR"); a != "" {
		return a
	}
	return DefaultAddr
}

// Client connects to the shared test Redis (Addr) and returns a client and a
// key prefix unique to this test. The test fails (it is not skipped) when
// Redis is not reachable. At cleanup every key matching prefix+"*" is deleted
// with SCAN and DEL, and the client is closed.
func Client(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	return ClientAt(t, Addr())
}

// ClientAt is Client for a Redis at addr (e.g. a Server's Addr).
func ClientAt(t testing.TB, addr string) (redis.UniversalClient, string) {
	t.Helper()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr}})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		t.Fatalf("redistest: Redis at %s is not reachable (start redis-server or set REDIS_ADDR): %v", addr, err)
	}
	prefix := Prefix(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := DeletePrefix(ctx, rdb, prefix); err != nil {
			t.Logf("redistest: cleanup of %s*: %v", prefix, err)
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}

// Prefix returns a key prefix unique to this test run: "t:<name>:<random>".
// It holds only characters that are neither glob nor hash-tag specials.
func Prefix(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("redistest: random prefix: %v", err)
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	return "t:" + name + ":" + hex.EncodeToString(b[:])
}

// DeletePrefix deletes every key that starts with prefix, using SCAN (never
// KEYS, never FLUSH). prefix must not contain glob characters.
func DeletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, prefix+"*", 500).Result()
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			// One DEL per key: keys of different hash slots must not share a
			// command on a cluster.
			pipe := rdb.Pipeline()
			for _, k := range keys {
				pipe.Del(ctx, k)
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}
