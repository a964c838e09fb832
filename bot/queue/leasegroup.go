package queue

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// LeaseGroupConfig describes a set of leases (one per part, e.g. per shard)
// that the live members share.
type LeaseGroupConfig struct {
	Keys    []string      // one lease per part
	Members string        // sorted set of the live members' heartbeats
	Owner   string        // this member, unique per process
	TTL     time.Duration // of a lease and of a heartbeat (5 s)
	// May reports whether this member may hold parts now (nil: always).
	// While false it announces nothing, takes nothing and yields what it holds.
	May func() bool
	// OnError is told of Redis failures (nil: ignored).
	OnError func(error)
}

// LeaseGroup spreads parts over the live members: each member announces
// itself with a heartbeat (a sorted set scored by expiry, clocked by Redis),
// holds at most ceil(parts/live) of them, takes free ones up to that share,
// and asks its workers to yield the ones beyond it. A member that stops
// (cleanly) releases its parts and leaves at once; one that dies is forgotten
// within TTL and its leases expire within TTL.
//
// The worker of part i acts only while Valid(i); when Yielding(i) it stops
// between two pieces of work and calls Release(i).
type LeaseGroup struct {
	rdb    redis.UniversalClient
	cfg    LeaseGroupConfig
	leases []*Lease
	yield  []atomic.Bool
	live   atomic.Int64
	quota  atomic.Int64
}

// heartbeatScript refreshes ARGV[2]'s heartbeat (ARGV[1] "1") or removes it
// ("0"), forgets members whose heartbeat expired, and returns the live count.
// ARGV[3] is the heartbeat's life in ms.
var heartbeatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[1] == '1' then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 4)
return redis.call('ZCARD', KEYS[1])`)

// NewLeaseGroup returns a group; nothing is taken before Run.
func NewLeaseGroup(rdb redis.UniversalClient, cfg LeaseGroupConfig) *LeaseGroup {
	cfg.TTL = orDefault(cfg.TTL, 5*time.Second)
	g := &LeaseGroup{rdb: rdb, cfg: cfg, yield: make([]atomic.Bool, len(cfg.Keys))}
	for _, k := range cfg.Keys {
		g.leases = append(g.leases, NewLease(rdb, k, cfg.Owner, cfg.TTL))
	}
	return g
}

// Valid reports whether this member may act on part i now.
func (g *LeaseGroup) Valid(i int) bool { return g.leases[i].Valid() }

// Yielding reports that part i is beyond this member's share (or May is
// false): its worker should stop and Release it.
func (g *LeaseGroup) Yielding(i int) bool { return g.yield[i].Load() }

// Release gives part i back at once.
func (g *LeaseGroup) Release(ctx context.Context, i int) error {
	g.yield[i].Store(false)
	return g.leases[i].Release(ctx)
}

// Held is the number of parts this member holds.
func (g *LeaseGroup) Held() int {
	n := 0
	for _, l := range g.leases {
		if l.Held() {
			n++
		}
	}
	return n
}

// Live is the number of live members at the last heartbeat, this one included.
func (g *LeaseGroup) Live() int { return int(g.live.Load()) }

// Run keeps the group every TTL/5 (at least every second, so a part given
// back is taken soon) until ctx ends, then releases every part still held and
// leaves the members. Stop the parts' workers first.
func (g *LeaseGroup) Run(ctx context.Context) {
	t := time.NewTicker(min(g.cfg.TTL/5, time.Second))
	defer t.Stop()
	for {
		if err := g.step(ctx); err != nil && ctx.Err() == nil && g.cfg.OnError != nil {
			g.cfg.OnError(err)
		}
		select {
		case <-ctx.Done():
			g.leave(context.WithoutCancel(ctx))
			return
		case <-t.C:
		}
	}
}

func (g *LeaseGroup) leave(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var errs []error
	for i, l := range g.leases {
		if l.Held() {
			errs = append(errs, g.Release(ctx, i))
		}
	}
	errs = append(errs, heartbeatScript.Run(ctx, g.rdb, []string{g.cfg.Members}, "0", g.cfg.Owner, g.cfg.TTL.Milliseconds()).Err())
	if err := errors.Join(errs...); err != nil && g.cfg.OnError != nil {
		g.cfg.OnError(fmt.Errorf("leave lease group: %w", err))
	}
}

// step announces this member, renews what it holds, yields what is beyond
// its share and takes free parts up to it.
func (g *LeaseGroup) step(ctx context.Context) error {
	may := g.cfg.May == nil || g.cfg.May()
	flag := "0"
	if may {
		flag = "1"
	}
	var errs []error
	live, err := heartbeatScript.Run(ctx, g.rdb, []string{g.cfg.Members}, flag, g.cfg.Owner, g.cfg.TTL.Milliseconds()).Int64()
	if err != nil {
		errs = append(errs, fmt.Errorf("heartbeat %s: %w", g.cfg.Members, err))
	} else {
		g.live.Store(live)
	}
	quota := 0
	if may {
		n, l := len(g.leases), max(int(g.live.Load()), 1)
		quota = (n + l - 1) / l
	}
	g.quota.Store(int64(quota))
	errs = append(errs, g.renew(ctx))
	g.balance(quota)
	if want := quota - g.Held(); want > 0 && err == nil {
		errs = append(errs, g.take(ctx, want))
	}
	return errors.Join(errs...)
}

// renew renews every held lease in one round trip.
func (g *LeaseGroup) renew(ctx context.Context) error {
	var held []*Lease
	for _, l := range g.leases {
		if l.Held() {
			l.mu.Lock()
			held = append(held, l)
		}
	}
	defer func() {
		for _, l := range held {
			l.mu.Unlock()
		}
	}()
	if len(held) == 0 {
		return nil
	}
	start := time.Now()
	pipe := g.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(held))
	for i, l := range held {
		cmds[i] = pipe.Eval(ctx, renewScript, []string{l.key}, l.owner, l.ttl.Milliseconds())
	}
	_, _ = pipe.Exec(ctx)
	var errs []error
	for i, l := range held {
		if !l.Held() { // released meanwhile
			continue
		}
		n, err := cmds[i].Int()
		if _, err := l.renewed(start, n, err); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// balance marks held parts beyond quota as yielding, or unmarks them when the
// share grew back.
func (g *LeaseGroup) balance(quota int) {
	var kept, yielding []int
	for i, l := range g.leases {
		switch {
		case !l.Held():
			g.yield[i].Store(false)
		case g.yield[i].Load():
			yielding = append(yielding, i)
		default:
			kept = append(kept, i)
		}
	}
	mrand.Shuffle(len(kept), func(a, b int) { kept[a], kept[b] = kept[b], kept[a] })
	for n := len(kept) - quota; n > 0; n-- {
		g.yield[kept[n-1]].Store(true)
	}
	for n := min(quota-len(kept), len(yielding)); n > 0; n-- {
		g.yield[yielding[n-1]].Store(false)
	}
}

// take tries to acquire want free parts, chosen at random so that members
// starting together do not all race for the same ones.
func (g *LeaseGroup) take(ctx context.Context, want int) error {
	var idle []int
	for i, l := range g.leases {
		if !l.Held() {
			idle = append(idle, i)
		}
	}
	pipe := g.rdb.Pipeline()
	exists := make([]*redis.IntCmd, len(idle))
	for j, i := range idle {
		exists[j] = pipe.Exists(ctx, g.leases[i].key)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("look for free leases: %w", err)
	}
	var free []int
	for j, i := range idle {
		if exists[j].Val() == 0 {
			free = append(free, i)
		}
	}
	mrand.Shuffle(len(free), func(a, b int) { free[a], free[b] = free[b], free[a] })
	var errs []error
	for _, i := range free[:min(want, len(free))] {
		if _, err := g.leases[i].Acquire(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
