package redistest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// A write made before the master is killed (and replicated) is read from the
// promoted replica through the same failover client.
func TestSentinelFailover(t *testing.T) {
	s := NewSentinel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: []string{s.Addr()},
		DialTimeout: 500 * time.Millisecond})
	defer rdb.Close()
	if err := rdb.Set(ctx, "k", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReplicated(ctx); err != nil {
		t.Fatal(err)
	}
	old := s.KillMaster(ctx)
	promoted, err := s.WaitFailover(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if promoted == old {
		t.Fatalf("master still %s", old)
	}
	var got string
	for got, err = rdb.Get(ctx, "k").Result(); err != nil && ctx.Err() == nil; got, err = rdb.Get(ctx, "k").Result() {
		time.Sleep(100 * time.Millisecond) // the client finds the new master
	}
	if err != nil || got != "before" {
		t.Fatalf("after failover GET = %q, %v; want \"before\"", got, err)
	}
}

// Keys of every slot are written and read through a cluster client.
func TestCluster(t *testing.T) {
	c := NewCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	defer rdb.Close()
	for i := range 50 {
		if err := rdb.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	var masters atomic.Int32 // ForEachMaster runs concurrently
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if err != nil {
			return err
		}
		if n > 0 {
			masters.Add(1)
		}
		return nil
	})
	if err != nil || masters.Load() != 3 {
		t.Fatalf("keys spread over %d masters (%v), want 3", masters.Load(), err)
	}
}
