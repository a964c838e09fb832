package queue

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/redistest"
)

func TestLeaseOneHolderAndCompareAndDelete(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	ctx := context.Background()
	key := prefix + ":lease"
	a, b := NewLease(rdb, key, "a", 2*time.Second), NewLease(rdb, key, "b", 2*time.Second)
	if ok, err := a.Acquire(ctx); !ok || err != nil || !a.Valid() {
		t.Fatalf("a: %v, %v", ok, err)
	}
	if ok, err := b.Acquire(ctx); ok || err != nil || b.Valid() {
		t.Fatalf("b took a held lease: %v, %v", ok, err)
	}
	if ok, err := a.Acquire(ctx); !ok || err != nil { // renewal
		t.Fatalf("a renew: %v, %v", ok, err)
	}
	if pttl := rdb.PTTL(ctx, key).Val(); pttl < time.Second {
		t.Fatalf("renewal did not extend the lease: %s", pttl)
	}
	if err := b.Release(ctx); err != nil { // not b's: nothing happens
		t.Fatal(err)
	}
	if owner := rdb.Get(ctx, key).Val(); owner != "a" {
		t.Fatalf("b's release removed a's lease (owner %q)", owner)
	}
	if err := a.Release(ctx); err != nil || a.Valid() || a.Held() {
		t.Fatalf("release: %v", err)
	}
	if ok, _ := b.Acquire(ctx); !ok {
		t.Fatal("b could not take a released lease")
	}
	// b's lease taken by force (it expired and someone else took it): b's
	// renewal notices and b stops acting.
	rdb.Set(ctx, key, "intruder", time.Minute)
	if ok, err := b.Acquire(ctx); ok || err != nil || b.Valid() || b.Held() {
		t.Fatalf("b still believes it holds a lost lease: %v, %v", ok, err)
	}
}

// member runs a LeaseGroup on its own client, with a worker per part that
// releases the part when asked to yield; kill stops it the way kill -9 does
// (nothing released, no goodbye), stop the clean way.
type member struct {
	g          *LeaseGroup
	cancel     func()
	done       chan struct{}
	rdb        redis.UniversalClient
	stopOnce   sync.Once
	killedFlag bool
}

func startMember(t *testing.T, prefix, owner string, parts int, ttl time.Duration, may func() bool) *member {
	t.Helper()
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{redistest.Addr()}})
	var keys []string
	for i := range parts {
		keys = append(keys, fmt.Sprintf("%s:{s%d}:lease", prefix, i))
	}
	g := NewLeaseGroup(rdb, LeaseGroupConfig{Keys: keys, Members: prefix + ":members", Owner: owner, TTL: ttl, May: may})
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{g: g, cancel: cancel, done: make(chan struct{}), rdb: rdb}
	go func() {
		defer close(m.done)
		var wg sync.WaitGroup
		wctx, wcancel := context.WithCancel(context.Background())
		wg.Go(func() {
			for wctx.Err() == nil {
				for i := range parts {
					if g.Yielding(i) {
						_ = g.Release(wctx, i)
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
		g.Run(ctx)
		wcancel()
		wg.Wait()
	}()
	t.Cleanup(m.stop)
	return m
}

func (m *member) stop() {
	m.stopOnce.Do(func() {
		m.cancel()
		<-m.done
		_ = m.rdb.Close()
	})
}

func (m *member) kill() {
	m.stopOnce.Do(func() {
		_ = m.rdb.Close() // the process is gone: nothing it does reaches Redis
		m.cancel()
		<-m.done
	})
}

// valid counts the parts a member may act on now.
func (m *member) valid() int {
	n := 0
	for i := range m.g.leases {
		if m.g.Valid(i) {
			n++
		}
	}
	return n
}

func owners(t *testing.T, rdb redis.UniversalClient, prefix string, parts int) map[string]int {
	t.Helper()
	out := map[string]int{}
	for i := range parts {
		out[rdb.Get(context.Background(), fmt.Sprintf("%s:{s%d}:lease", prefix, i)).Val()]++
	}
	return out
}

func TestLeaseGroupSpreadsPartsOverLiveMembers(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := startMember(t, prefix, "a", 16, 2*time.Second, nil)
	waitFor(t, "a alone holds every part", func() bool { return owners(t, rdb, prefix, 16)["a"] == 16 })
	b := startMember(t, prefix, "b", 16, 2*time.Second, nil)
	waitFor(t, "8/8", func() bool {
		o := owners(t, rdb, prefix, 16)
		return o["a"] >= 7 && o["a"] <= 9 && o["b"] >= 7 && o["b"] <= 9 && o["a"]+o["b"] == 16
	})
	if a.g.Live() != 2 || b.g.Live() != 2 {
		t.Fatalf("live members: a sees %d, b sees %d", a.g.Live(), b.g.Live())
	}
	c := startMember(t, prefix, "c", 16, 2*time.Second, nil)
	waitFor(t, "6/6/4", func() bool {
		o := owners(t, rdb, prefix, 16)
		return o["a"] <= 6 && o["b"] <= 6 && o["c"] <= 6 && o["a"]+o["b"]+o["c"] == 16
	})
	c.stop()
	waitFor(t, "back to 8/8 after c left", func() bool {
		o := owners(t, rdb, prefix, 16)
		return o["a"] == 8 && o["b"] == 8
	})
}

func TestLeaseGroupTakeover(t *testing.T) {
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		kill bool
	}{
		// A killed member's leases stay until they expire (TTL), then the
		// other takes them.
		{"killed: taken over once the TTL ran out", 2 * time.Second, true},
		// A clean stop releases at once: with a one-minute TTL the takeover
		// could not otherwise happen before the test's deadline.
		{"clean stop: taken over at once", time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, prefix := redistest.Client(t)
			a := startMember(t, prefix, "a", 4, tc.ttl, nil)
			waitFor(t, "a holds every part", func() bool { return owners(t, rdb, prefix, 4)["a"] == 4 })
			b := startMember(t, prefix, "b", 4, tc.ttl, nil)
			waitFor(t, "b sees two members", func() bool { return b.g.Live() == 2 })
			waitFor(t, "2/2", func() bool { return owners(t, rdb, prefix, 4)["b"] == 2 })
			if tc.kill {
				a.kill()
				if o := owners(t, rdb, prefix, 4); o["a"] != 2 {
					t.Fatalf("a killed, its leases should outlive it until the TTL: %v", o)
				}
			} else {
				a.stop()
			}
			waitFor(t, "b holds every part", func() bool { return b.valid() == 4 })
		})
	}
}

func TestLeaseGroupMayGatesTheMember(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	var mu sync.Mutex
	may := false
	a := startMember(t, prefix, "a", 4, 2*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return may })
	b := startMember(t, prefix, "b", 4, 2*time.Second, nil)
	waitFor(t, "b holds every part while a may not", func() bool { return owners(t, rdb, prefix, 4)["b"] == 4 })
	if a.g.Held() != 0 || b.g.Live() != 1 {
		t.Fatalf("a holds %d parts, b sees %d members", a.g.Held(), b.g.Live())
	}
	mu.Lock()
	may = true
	mu.Unlock()
	waitFor(t, "2/2 once a may", func() bool { return owners(t, rdb, prefix, 4)["a"] == 2 })
	mu.Lock()
	may = false
	mu.Unlock()
	waitFor(t, "a yields everything", func() bool { return owners(t, rdb, prefix, 4)["b"] == 4 })
}
