package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// openRedis connects to REDIS_URL, or, with none, starts an in-process Redis
// (miniredis) and says loudly that state lives in memory only.
func openRedis(ctx context.Context, url string, log *slog.Logger, warn io.Writer) (redis.UniversalClient, func(), error) {
	if url == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, nil, fmt.Errorf("start in-memory redis: %w", err)
		}
		fmt.Fprintln(warn, "⚠ No REDIS_URL: using an in-memory Redis. Conversations, queued replies and console logins are LOST when aduan stops (reports are kept in the database). Set REDIS_URL for real use.")
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), PoolSize: 64})
		return rdb, func() { rdb.Close(); mr.Close() }, nil
	}
	target, err := parseRedisURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("parse REDIS_URL: %w", err) // checked by readConfig; not reached
	}
	rdb := newRedisClient(target)
	where := strings.Join(target.opts.Addrs, ",")
	if target.kind == redisSentinel {
		where = target.opts.MasterName + " via sentinels " + where
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("connect to redis (%s) %s: %w", target.kind, where, err)
	}
	log.Info("redis connected", "mode", target.kind, "addrs", where)
	checkRedisDurability(ctx, rdb, log)
	return rdb, func() { rdb.Close() }, nil
}

// checkRedisDurability warns when the server could lose or evict queued
// replies and reports (RELIABILITY.md: AOF everysec, noeviction).
func checkRedisDurability(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) {
	get := func(name string) string {
		v, err := rdb.ConfigGet(ctx, name).Result()
		if err != nil {
			return ""
		}
		return strings.ToLower(v[name])
	}
	if v := get("appendonly"); v != "" && v != "yes" {
		log.Warn("redis appendonly is off: a Redis restart loses queued replies and drafts; set appendonly yes, appendfsync everysec")
	}
	if v := get("maxmemory-policy"); v != "" && v != "noeviction" {
		log.Warn("redis maxmemory-policy evicts keys: queues and sessions may vanish silently; set noeviction", "policy", v)
	}
}
