package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Redis deployments REDIS_URL can name.
const (
	redisSingle   = "single"
	redisSentinel = "sentinel"
	redisCluster  = "cluster"
)

// redisTarget is a parsed REDIS_URL: the options of go-redis's
// UniversalClient and which kind of deployment they reach.
type redisTarget struct {
	kind string
	opts *redis.UniversalOptions
}

// redisPoolSize is the connection pool per Redis node: the reply sender
// holds one blocking read per shard and channel (redis.go's warning).
const redisPoolSize = 64

// parseRedisURL reads the forms of REDIS_URL:
//
//	redis://[user:pass@]host:6379[/db][?options]       one server
//	rediss://…                                          the same over TLS
//	redis-sentinel://[user:pass@]s1:26379[,s2:26379…]/master[/db][?sentinel_password=…&sentinel_username=…]
//	redis://[user:pass@]node1:7000,node2:7000[,…][?options]   a Cluster (database 0 only)
//
// user:pass is the data servers' (master, replicas, cluster nodes) ACL user;
// the sentinels' own credentials, if any, are query parameters. options are
// go-redis's (dial_timeout, read_timeout, pool_size, …). Errors never repeat
// the URL (it may hold a password).
func parseRedisURL(raw string) (redisTarget, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return redisTarget{}, errors.New("no scheme")
	}
	// Cluster lists may repeat the scheme: redis://a:7000,redis://b:7000.
	rest = strings.ReplaceAll(rest, ","+scheme+"://", ",")
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hostList := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hostList = authority[:i+1], authority[i+1:]
	}
	if strings.Contains(userinfo, ",") {
		// A comma in a password is written %2C.
		return redisTarget{}, errors.New("credentials go once, before the first address")
	}
	defPort := "6379"
	if scheme == "redis-sentinel" {
		defPort = "26379"
	}
	var hosts []string
	for i, h := range strings.Split(hostList, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, defPort)
		}
		host, port, err := net.SplitHostPort(h)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			// Not quoted: a password with an unescaped / or ? ends up here.
			return redisTarget{}, fmt.Errorf("bad address (number %d of the list): want host:port", i+1)
		}
		hosts = append(hosts, h)
	}
	if len(hosts) == 0 {
		return redisTarget{}, errors.New("no address")
	}

	switch scheme {
	case "redis", "rediss":
		// go-redis parses the one-server form, with its options, for the
		// first address; the others are more nodes of a cluster.
		o, err := redis.ParseURL(scheme + "://" + userinfo + hosts[0] + tail)
		if err != nil {
			return redisTarget{}, err
		}
		t := redisTarget{kind: redisSingle, opts: universal(o)}
		if len(hosts) > 1 {
			if o.DB != 0 {
				return redisTarget{}, errors.New("a Redis Cluster has only database 0")
			}
			t.kind, t.opts.Addrs = redisCluster, hosts
		}
		return t, nil
	case "redis-sentinel":
		u, err := url.Parse("redis://" + userinfo + "sentinel" + tail)
		if err != nil {
			return redisTarget{}, errors.New("cannot parse the master name, database or options")
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		master, db := parts[0], ""
		if len(parts) > 2 || master == "" {
			return redisTarget{}, errors.New("want the master name after the sentinels: redis-sentinel://host:26379/mymaster[/db]")
		}
		if len(parts) == 2 {
			db = "/" + parts[1]
		}
		q := u.Query()
		sentinelUser, sentinelPass := q.Get("sentinel_username"), q.Get("sentinel_password")
		q.Del("sentinel_username")
		q.Del("sentinel_password")
		query := ""
		if len(q) > 0 {
			query = "?" + q.Encode()
		}
		// The data servers' settings (credentials, database, options) are
		// go-redis's one-server form.
		o, err := redis.ParseURL("redis://" + userinfo + "sentinel" + db + query)
		if err != nil {
			return redisTarget{}, err
		}
		opts := universal(o)
		opts.Addrs, opts.MasterName = hosts, master
		opts.SentinelUsername, opts.SentinelPassword = sentinelUser, sentinelPass
		return redisTarget{kind: redisSentinel, opts: opts}, nil
	}
	return redisTarget{}, fmt.Errorf("unknown scheme %q", scheme)
}

// universal carries one server's options over to the UniversalClient's.
func universal(o *redis.Options) *redis.UniversalOptions {
	pool := o.PoolSize
	if pool == 0 {
		pool = redisPoolSize
	}
	return &redis.UniversalOptions{
		Addrs:           []string{o.Addr},
		ClientName:      o.ClientName,
		DB:              o.DB,
		Protocol:        o.Protocol,
		Username:        o.Username,
		Password:        o.Password,
		MaxRetries:      o.MaxRetries,
		MinRetryBackoff: o.MinRetryBackoff,
		MaxRetryBackoff: o.MaxRetryBackoff,
		DialTimeout:     o.DialTimeout,
		ReadTimeout:     o.ReadTimeout,
		WriteTimeout:    o.WriteTimeout,
		PoolFIFO:        o.PoolFIFO,
		PoolSize:        pool,
		PoolTimeout:     o.PoolTimeout,
		MinIdleConns:    o.MinIdleConns,
		MaxIdleConns:    o.MaxIdleConns,
		MaxActiveConns:  o.MaxActiveConns,
		ConnMaxIdleTime: o.ConnMaxIdleTime,
		ConnMaxLifetime: o.ConnMaxLifetime,
		TLSConfig:       o.TLSConfig,
	}
}

// newRedisClient is go-redis's UniversalClient for t: a plain client, a
// Sentinel failover client or a Cluster client.
func newRedisClient(t redisTarget) redis.UniversalClient {
	switch t.kind {
	case redisSentinel:
		return redis.NewFailoverClient(t.opts.Failover())
	case redisCluster:
		return redis.NewClusterClient(t.opts.Cluster())
	}
	return redis.NewClient(t.opts.Simple())
}
