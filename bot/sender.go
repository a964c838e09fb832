package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// SenderConfig tunes the reply sender. Zero values take the defaults.
type SenderConfig struct {
	// Consumer is this process's consumer name in the group; unique per
	// process (default host-pid-random). A stable name lets a restarted
	// process re-read its own pending entries first.
	Consumer string
	// Limits per channel; nil means DefaultLimits(). A channel missing from a
	// non-nil map is not limited.
	Limits map[string]Limit
	Block  time.Duration // XREADGROUP block (2s)
	Batch  int           // entries per read (100)
	// MaxQueued bounds the entries a shard holds in memory (1000); reading
	// pauses beyond it.
	MaxQueued int
	// MinIdle: the janitor claims entries idle longer than this (2 min). It
	// must exceed the worst time an entry is held; held entries are refreshed
	// at MinIdle/2.
	MinIdle        time.Duration
	SentTTL        time.Duration // life of the sent marker (48h)
	UnreachableTTL time.Duration // life of the unreachable mark (90 days)
	MaxAttempts    int           // failed sends before dead-lettering (20)
	BackoffBase    time.Duration // first retry delay (1s)
	BackoffMax     time.Duration // retry delay cap (1 min)
	SendTimeout    time.Duration // one Send (10s); must be < LeaseTTL/2
	LeaseTTL       time.Duration // shard lease (30s)
	JanitorEvery   time.Duration // XAUTOCLAIM sweep and idle refresh (MinIdle/4)
	TrimEvery      time.Duration // XTRIM of delivered entries (1 min)
	// MaySend reports whether this replica may send now; nil means always.
	// A replica competes for shard leases only while it is true, and hands
	// its shards over (between two sends) when it turns false. Wire it to a
	// channel that sends from one replica only: with WhatsApp, "this replica
	// holds the WhatsApp connection" (wa.Health().State != StateStandby), so
	// the replica that can deliver every channel does the sending.
	MaySend func() bool
}

func (c SenderConfig) withDefaults() SenderConfig {
	if c.Consumer == "" {
		c.Consumer = ConsumerName()
	}
	if c.Limits == nil {
		c.Limits = DefaultLimits()
	}
	c.Block = streamDefault(c.Block, 2*time.Second)
	c.Batch = streamDefault(c.Batch, 100)
	c.MaxQueued = streamDefault(c.MaxQueued, 1000)
	c.MinIdle = streamDefault(c.MinIdle, 2*time.Minute)
	c.SentTTL = streamDefault(c.SentTTL, 48*time.Hour)
	c.UnreachableTTL = streamDefault(c.UnreachableTTL, 90*24*time.Hour)
	c.MaxAttempts = streamDefault(c.MaxAttempts, 20)
	c.BackoffBase = streamDefault(c.BackoffBase, time.Second)
	c.BackoffMax = streamDefault(c.BackoffMax, time.Minute)
	c.SendTimeout = streamDefault(c.SendTimeout, 10*time.Second)
	c.LeaseTTL = streamDefault(c.LeaseTTL, 30*time.Second)
	c.JanitorEvery = streamDefault(c.JanitorEvery, c.MinIdle/4)
	c.TrimEvery = streamDefault(c.TrimEvery, time.Minute)
	return c
}

func streamDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// ConsumerName is a consumer name unique to this process: host-pid-random.
func ConsumerName() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "aduan"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// SenderStats are the reply sender's counters since start.
type SenderStats struct {
	Sent         int64 // delivered
	Retried      int64 // failed sends that will be retried
	DeadLettered int64 // moved to keys.DeadOutbound()
	Unreachable  int64 // chats marked unreachable (403 blocked / deactivated)
	Dropped      int64 // entries acked unsent because their chat is unreachable
	RateLimited  int64 // 429 answers (SendError.RetryAfter)
	Throttled    int64 // sends deferred by our own token buckets
	Duplicates   int64 // reclaimed entries already sent (acked, not re-sent)
	Reclaimed    int64 // entries taken over from other consumers
}

type senderCounters struct {
	sent, retried, deadLettered, unreachable, dropped, rateLimited, throttled, duplicates, reclaimed atomic.Int64
}

// ReplySender delivers the outbound streams through the channels' Senders,
// within the channels' rate limits, in order per chat, at least once and, as
// far as the sent markers reach, exactly once.
type ReplySender struct {
	rdb     redis.UniversalClient
	keys    Keys
	senders map[string]Sender
	cfg     SenderConfig
	log     *slog.Logger
	limiter *rateLimiter
	n       senderCounters
}

// NewReplySender returns a sender for the channels in senders (by channel
// name). An entry for a channel without a Sender is dead-lettered.
func NewReplySender(rdb redis.UniversalClient, keys Keys, senders map[string]Sender, cfg SenderConfig, log *slog.Logger) *ReplySender {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ReplySender{
		rdb: rdb, keys: keys, senders: senders, cfg: cfg,
		log:     log.With("component", "sender", "consumer", cfg.Consumer),
		limiter: &rateLimiter{keys: keys, limits: cfg.Limits},
	}
}

// Stats returns the counters.
func (s *ReplySender) Stats() SenderStats {
	return SenderStats{
		Sent: s.n.sent.Load(), Retried: s.n.retried.Load(), DeadLettered: s.n.deadLettered.Load(),
		Unreachable: s.n.unreachable.Load(), Dropped: s.n.dropped.Load(), RateLimited: s.n.rateLimited.Load(),
		Throttled: s.n.throttled.Load(), Duplicates: s.n.duplicates.Load(), Reclaimed: s.n.reclaimed.Load(),
	}
}

// Run sends until ctx ends: one goroutine per shard, each competing for its
// shard's lease. On return in-flight sends have finished and the leases are
// released. Redis failures are logged and retried, never returned.
func (s *ReplySender) Run(ctx context.Context) error {
	if s.cfg.SendTimeout >= s.cfg.LeaseTTL/2 {
		return fmt.Errorf("reply sender: SendTimeout %s must be below LeaseTTL/2 (%s)", s.cfg.SendTimeout, s.cfg.LeaseTTL/2)
	}
	warnSmallPool(s.rdb, 2*s.keys.Shards+4, s.log)
	if err := gcra.Load(ctx, s.rdb).Err(); err != nil {
		s.log.Warn("load rate-limit script; bookings will load it later", "err", err)
	}
	var wg sync.WaitGroup
	for shard := 0; shard < s.keys.Shards; shard++ {
		wg.Go(func() { newShardSender(s, shard).run(ctx) })
	}
	wg.Wait()
	return nil
}
