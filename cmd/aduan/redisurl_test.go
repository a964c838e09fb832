package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Every form of REDIS_URL ends up as the right go-redis client options.
func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		url    string
		kind   string
		addrs  []string
		master string
		check  func(t redisTarget) bool
	}{
		{url: "redis://127.0.0.1:6379/0", kind: redisSingle, addrs: []string{"127.0.0.1:6379"}},
		{url: "redis://:pw@10.0.0.5:6379/2", kind: redisSingle, addrs: []string{"10.0.0.5:6379"},
			check: func(t redisTarget) bool { return t.opts.Password == "pw" && t.opts.DB == 2 }},
		{url: "rediss://aduan:pw@redis.internal:6380/0", kind: redisSingle, addrs: []string{"redis.internal:6380"},
			check: func(t redisTarget) bool {
				return t.opts.TLSConfig != nil && t.opts.TLSConfig.ServerName == "redis.internal" && t.opts.Username == "aduan"
			}},
		{url: "redis://redis?dial_timeout=3s&pool_size=10", kind: redisSingle, addrs: []string{"redis:6379"},
			check: func(t redisTarget) bool { return t.opts.DialTimeout == 3*time.Second && t.opts.PoolSize == 10 }},
		{url: "redis://redis", kind: redisSingle, addrs: []string{"redis:6379"},
			check: func(t redisTarget) bool { return t.opts.PoolSize == redisPoolSize }},
		{url: "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3/aduan", kind: redisSentinel,
			addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"}, master: "aduan"},
		{url: "redis-sentinel://:masterpw@s1:26379/mymaster/3?sentinel_password=sentpw&dial_timeout=2s", kind: redisSentinel,
			addrs: []string{"s1:26379"}, master: "mymaster",
			check: func(t redisTarget) bool {
				return t.opts.Password == "masterpw" && t.opts.SentinelPassword == "sentpw" && t.opts.DB == 3 &&
					t.opts.DialTimeout == 2*time.Second
			}},
		{url: "redis://:pw@n1:7000,n2:7001,n3:7002", kind: redisCluster, addrs: []string{"n1:7000", "n2:7001", "n3:7002"},
			check: func(t redisTarget) bool { return t.opts.Password == "pw" }},
		{url: "redis://n1:7000,redis://n2:7001,redis://n3:7002/0?read_timeout=5s", kind: redisCluster,
			addrs: []string{"n1:7000", "n2:7001", "n3:7002"},
			check: func(t redisTarget) bool { return t.opts.ReadTimeout == 5*time.Second }},
		{url: "rediss://n1:7000, n2:7000 ,n3:7000", kind: redisCluster, addrs: []string{"n1:7000", "n2:7000", "n3:7000"},
			check: func(t redisTarget) bool { return t.opts.TLSConfig != nil }},
		{url: "redis://[::1]:7000,[::1]:7001", kind: redisCluster, addrs: []string{"[::1]:7000", "[::1]:7001"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := parseRedisURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got.kind != tt.kind || !slices.Equal(got.opts.Addrs, tt.addrs) || got.opts.MasterName != tt.master {
				t.Errorf("got %s %v master %q, want %s %v master %q", got.kind, got.opts.Addrs, got.opts.MasterName,
					tt.kind, tt.addrs, tt.master)
			}
			if tt.check != nil && !tt.check(got) {
				t.Errorf("options not carried over: %+v", got.opts)
			}
			if c := newRedisClient(got); c == nil {
				t.Error("no client")
			} else {
				c.Close()
			}
		})
	}
}

// Bad REDIS_URLs are refused at start, with a reason that never repeats a
// password.
func TestParseRedisURLRefuses(t *testing.T) {
	tests := []struct{ url, want string }{
		{"localhost:6379", "no scheme"},
		{"http://localhost:6379", "unknown scheme"},
		{"redis://:s3cret@localhost:port/0", "bad address"},
		{"redis://:s3cret@n1:7000,n2:7000/2", "only database 0"},
		{"redis://n1:7000,u:s3cret@n2:7000", "credentials go once"},
		{"redis-sentinel://:s3cret@s1:26379", "master name"},
		{"redis-sentinel://s1:26379/", "master name"},
		{"redis-sentinel://s1:26379/m/1/2", "master name"},
		{"redis-sentinel://s1:26379/m/x", "invalid database"},
		{"redis://", "no address"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := parseRedisURL(tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error repeats the password: %v", err)
			}
			if p := redisURLProblem(tt.url); p == "" || strings.Contains(p, "s3cret") {
				t.Errorf("redisURLProblem = %q", p)
			}
		})
	}
}
