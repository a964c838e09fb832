package bot

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/redis/go-redis/v9"
)

func TestSenderStopsWhenLeaseLostAndResumesAfter(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	f := &fakeSender{}
	_, _ = startSender(t, rdb, keys, f, testSenderConfig()) // LeaseTTL 3s: renewed every 0.5s
	queueReply(t, rdb, keys, "1", "before")
	waitFor(t, "first reply", func() bool { return len(f.delivered()) == 1 })

	lease := keys.SendLease(ChannelTelegram, 0)
	rdb.Set(ctx, lease, "intruder", time.Minute) // another replica holds the shard now
	time.Sleep(1500 * time.Millisecond)          // > one renewal period
	queueReply(t, rdb, keys, "1", "while away")
	time.Sleep(1500 * time.Millisecond)
	if n := len(f.delivered()); n != 1 {
		t.Fatalf("%d replies sent without holding the shard's lease", n)
	}
	rdb.Del(ctx, lease)
	waitFor(t, "reply after the lease came back", func() bool { return len(f.delivered()) == 2 })
}

func TestSenderOneLeaseHolderPerShard(t *testing.T) {
	rdb, keys := testKeys(t, 6)
	ctx := context.Background()
	a, _ := startSender(t, rdb, keys, &fakeSender{}, testSenderConfig())
	b, _ := startSender(t, rdb, keys, &fakeSender{}, testSenderConfig())
	waitFor(t, "all shards held", func() bool {
		for s := 0; s < keys.Shards; s++ {
			if rdb.Exists(ctx, keys.SendLease(ChannelTelegram, s)).Val() == 0 {
				return false
			}
		}
		return true
	})
	for s := 0; s < keys.Shards; s++ {
		owner := rdb.Get(ctx, keys.SendLease(ChannelTelegram, s)).Val()
		if owner != a.cfg.Consumer && owner != b.cfg.Consumer {
			t.Fatalf("shard %d held by %q", s, owner)
		}
	}
}

func TestSenderSurvivesRedisRestart(t *testing.T) {
	srv := redistest.NewServer(t)
	rdb, prefix := redistest.ClientAt(t, srv.Addr())
	keys := NewKeys(prefix, 2)
	ctx := context.Background()
	if err := EnsureGroups(ctx, rdb, keys); err != nil {
		t.Fatal(err)
	}
	f := &fakeSender{}
	_, _ = startSender(t, rdb, keys, f, testSenderConfig())
	queueReply(t, rdb, keys, "1", "one")
	waitFor(t, "reply before the crash", func() bool { return len(f.delivered()) == 1 })

	srv.Stop()
	time.Sleep(500 * time.Millisecond) // the sender meets a dead Redis
	srv.Restart()                      // empty: no groups, no leases
	if err := EnsureGroups(ctx, rdb, keys); err != nil {
		t.Fatal(err)
	}
	queueReply(t, rdb, keys, "1", "two")
	waitFor(t, "reply after the restart", func() bool { return len(f.delivered()) == 2 })
	if got := f.delivered()[1].msg.Text; got != "two" {
		t.Fatalf("second reply %q", got)
	}
}

// Entries left pending at a consumer that is no channel's (an older
// version's per-process consumer that read and died) are moved to their
// channel once idle past MinIdle, and then read as recovered (checked
// against the sent marker); fresh ones are left alone.
func TestSenderAdoptsEntriesOfOldConsumers(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	cfg := testSenderConfig()
	cfg.MinIdle = 300 * time.Millisecond
	s := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: &fakeSender{}}, cfg, nil)
	w := newShardSender(s, 0)
	if err := w.takeover(ctx, ChannelTelegram); err != nil {
		t.Fatal(err)
	}
	// After the takeover, consumer X (an old version) still read one.
	id := queueReply(t, rdb, keys, "1", "late")
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: GroupSenders, Consumer: "X",
		Streams: []string{keys.Outbound(0), ">"}, Count: 1, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := w.adopt(ctx, cfg.MinIdle); err != nil || n != 0 {
		t.Fatalf("adopted a fresh entry: %d, %v", n, err)
	}
	time.Sleep(cfg.MinIdle + 50*time.Millisecond)
	if n, err := w.adopt(ctx, cfg.MinIdle); err != nil || n != 1 {
		t.Fatalf("adopted %d, %v; want the idle entry", n, err)
	}
	if err := w.fill(ctx); err != nil {
		t.Fatal(err)
	}
	if e := w.held[id]; e == nil || !e.recovered {
		t.Fatalf("the adopted entry is not held as recovered: %+v", w.held)
	}
	p, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: keys.Outbound(0), Group: GroupSenders, Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(p) != 1 || p[0].Consumer != channelConsumer(ChannelTelegram) {
		t.Fatalf("after adoption: %+v, %v", p, err)
	}
	if st := s.Stats(); st.Reclaimed != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSenderMaySendMovesShards(t *testing.T) {
	rdb, keys := testKeys(t, 4)
	ctx := context.Background()
	var aMay, bMay atomic.Bool
	bMay.Store(true)
	fa, fb := &fakeSender{}, &fakeSender{}
	cfgA, cfgB := testSenderConfig(), testSenderConfig()
	cfgA.MaySend = func(string) bool { return aMay.Load() }
	cfgB.MaySend = func(string) bool { return bMay.Load() }
	a, _ := startSender(t, rdb, keys, fa, cfgA)
	b, _ := startSender(t, rdb, keys, fb, cfgB)
	heldBy := func(s *ReplySender) bool {
		for sh := 0; sh < keys.Shards; sh++ {
			if rdb.Get(ctx, keys.SendLease(ChannelTelegram, sh)).Val() != s.cfg.Consumer {
				return false
			}
		}
		return true
	}
	waitFor(t, "B holds every shard", func() bool { return heldBy(b) })
	for i := 0; i < 8; i++ {
		queueReply(t, rdb, keys, strconv.Itoa(i), "to B")
	}
	waitFor(t, "B sent", func() bool { return len(fb.delivered()) == 8 })

	// B loses the right to send (e.g. the WhatsApp connection moved to A).
	aMay.Store(true)
	bMay.Store(false)
	waitFor(t, "A holds every shard", func() bool { return heldBy(a) })
	for i := 0; i < 8; i++ {
		queueReply(t, rdb, keys, strconv.Itoa(i), "to A")
	}
	waitFor(t, "A sent", func() bool { return len(fa.delivered()) == 8 })
	if n := len(fb.delivered()); n != 8 || len(fa.delivered()) != 8 {
		t.Fatalf("A sent %d, B sent %d; want 8 each", len(fa.delivered()), n)
	}
}

// The rate script runs by its SHA; a Redis that lost its script cache (a
// restart, SCRIPT FLUSH) answers NOSCRIPT once, and the sender loads it again
// instead of failing every booking.
func TestSenderReloadsRateScript(t *testing.T) {
	srv := redistest.NewServer(t) // private: SCRIPT FLUSH must not touch the shared server
	rdb, prefix := redistest.ClientAt(t, srv.Addr())
	keys := NewKeys(prefix, 2)
	ctx := context.Background()
	if err := EnsureGroups(ctx, rdb, keys); err != nil {
		t.Fatal(err)
	}
	cfg := testSenderConfig()
	cfg.Limits = map[string]Limit{ChannelTelegram: {PerChatPerSecond: 100, PerChatBurst: 10, GlobalPerSecond: 1000, GlobalBurst: 10}}
	f := &fakeSender{}
	_, _ = startSender(t, rdb, keys, f, cfg)
	queueReply(t, rdb, keys, "1", "one")
	waitFor(t, "reply with the script loaded", func() bool { return len(f.delivered()) == 1 })
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	queueReply(t, rdb, keys, "1", "two")
	waitFor(t, "reply after the script cache was flushed", func() bool { return len(f.delivered()) == 2 })
}
