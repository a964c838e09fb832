package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// SenderConfig tunes the reply sender. Zero values take the defaults.
type SenderConfig struct {
	// Consumer names this process among the senders: the owner of its leases
	// and its heartbeat (default host-pid-random, unique per process).
	Consumer string
	// Limits per channel; nil means DefaultLimits(). A channel missing from a
	// non-nil map is not limited.
	Limits map[string]Limit
	Block  time.Duration // wait for new entries (2s)
	Batch  int           // entries handed out per read (100)
	// MaxQueued bounds the entries a shard holds in memory (1000); reading
	// pauses beyond it.
	MaxQueued int
	// MinIdle: entries idle this long at a consumer that is not a channel's
	// (left by an older version) are moved to their channel (2 min).
	MinIdle        time.Duration
	SentTTL        time.Duration // life of the sent marker (48h)
	UnreachableTTL time.Duration // life of the unreachable mark (90 days)
	// The retry policy (queue.Policy): transient failures are retried with
	// full-jitter backoff from BackoffBase (1s) to BackoffMax (1 min) until
	// the first failure is MaxAge old (3 days); a platform's Retry-After is
	// waited for, capped at RetryAfterCap (15 min), and never counts.
	MaxAge        time.Duration
	BackoffBase   time.Duration
	BackoffMax    time.Duration
	RetryAfterCap time.Duration
	SendTimeout   time.Duration // one Send (2s); must be < LeaseTTL/2
	// LeaseTTL is the life of a channel+shard send lease (5s): a crashed
	// process's shards are taken over within about that long.
	LeaseTTL     time.Duration
	JanitorEvery time.Duration // moving entries of old consumers, re-reading own entries (MinIdle/4)
	TrimEvery    time.Duration // XTRIM of delivered entries (1 min)
	// MaySend reports whether this process may send a channel now; nil means
	// always. A process competes for a channel's shards only while it is
	// true, and hands them over (between two sends) when it turns false.
	// With WhatsApp, only the replica holding the connection can send there:
	// MaySend(ChannelWhatsApp) is "this replica holds it".
	MaySend func(channel string) bool
	// DeadLetters receives the replies given up on (nil: a queue.StreamSink
	// on keys.DeadLetters(), the fallback until a database sink is wired).
	DeadLetters queue.DeadLetterSink
	// OnDelivery, if set, is told once a message with a Ref was sent, or
	// given up (dead letter, chat unreachable). It runs off the sending path:
	// its errors are logged, it never holds a send back. At least once: a
	// crash right after a send may report it again.
	OnDelivery func(ctx context.Context, ref string, d Delivery) error
	// Metrics receives the "reply" queue's measures (nil: none).
	Metrics *queue.Metrics
}

// Delivery is what became of a message with a Ref.
type Delivery struct {
	Status string    // DeliverySent or DeliveryFailed
	At     time.Time // when it was sent or given up
	Detail string    // for a failure: why, in words an admin can read
}

// Delivery statuses.
const (
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

func (c SenderConfig) withDefaults() SenderConfig {
	if c.Consumer == "" {
		c.Consumer = queue.ConsumerName()
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
	c.BackoffBase = streamDefault(c.BackoffBase, time.Second)
	c.BackoffMax = streamDefault(c.BackoffMax, time.Minute)
	c.SendTimeout = streamDefault(c.SendTimeout, 2*time.Second)
	c.LeaseTTL = streamDefault(c.LeaseTTL, 5*time.Second)
	c.JanitorEvery = streamDefault(c.JanitorEvery, c.MinIdle/4)
	c.TrimEvery = streamDefault(c.TrimEvery, time.Minute)
	return c
}

func (c SenderConfig) policy() queue.Policy {
	return queue.Policy{MaxAge: c.MaxAge, BackoffBase: c.BackoffBase, BackoffMax: c.BackoffMax,
		RetryAfterCap: c.RetryAfterCap}.WithDefaults()
}

func streamDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// ConsumerName is a consumer name unique to this process: host-pid-random.
func ConsumerName() string { return queue.ConsumerName() }

// SenderStats are the reply sender's counters since start.
type SenderStats struct {
	Sent         int64 // delivered
	Retried      int64 // failed sends that will be retried after a backoff
	DeadLettered int64 // given to the dead-letter sink
	Unreachable  int64 // chats marked unreachable (403 blocked / deactivated)
	Dropped      int64 // entries acked unsent because their chat is unreachable
	RateLimited  int64 // platform Retry-After answers (429)
	Throttled    int64 // sends deferred by our own token buckets
	Duplicates   int64 // recovered entries already sent (acked, not re-sent)
	Reclaimed    int64 // entries moved over from other consumers
}

type senderCounters struct {
	sent, retried, deadLettered, unreachable, dropped, rateLimited, throttled, duplicates, reclaimed atomic.Int64
}

// ChannelSendStats are one channel's reply counters since start.
type ChannelSendStats struct {
	Sent    int64 // delivered
	Retried int64 // failed sends that will be retried after a backoff
	// Failed replies were given up: dead-lettered, or not sent because the
	// chat blocked the bot (what OnDelivery reports as DeliveryFailed).
	Failed int64
}

type channelCounters struct{ sent, retried, failed atomic.Int64 }

// ReplySender delivers the outbound streams through the channels' Senders,
// within the channels' rate limits, in order per chat, at least once and, as
// far as the sent markers reach, exactly once. A process sends only the
// channels it has a Sender for: per channel and shard it holds a lease, and
// the channel's shards are spread over the processes that can send it.
type ReplySender struct {
	rdb      redis.UniversalClient
	keys     Keys
	senders  map[string]Sender
	channels []string // with a Sender, sorted
	cfg      SenderConfig
	policy   queue.Policy
	sink     queue.DeadLetterSink
	log      *slog.Logger
	limiter  *rateLimiter
	leases   map[string]*queue.LeaseGroup // by channel
	n        senderCounters
	byCh     map[string]*channelCounters // per channel it sends; read-only after NewReplySender
	q        *queue.Counters
	hooks    sync.WaitGroup // OnDelivery calls in flight
}

// NewReplySender returns a sender for the channels in senders (by channel
// name). Entries of other channels are left for the processes that can send
// them.
func NewReplySender(rdb redis.UniversalClient, keys Keys, senders map[string]Sender, cfg SenderConfig, log *slog.Logger) *ReplySender {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "sender", "consumer", cfg.Consumer)
	s := &ReplySender{
		rdb: rdb, keys: keys, senders: senders, cfg: cfg, policy: cfg.policy(), sink: cfg.DeadLetters, log: log,
		limiter: &rateLimiter{keys: keys, limits: cfg.Limits}, leases: map[string]*queue.LeaseGroup{},
		byCh: map[string]*channelCounters{},
	}
	if s.sink == nil {
		s.sink = queue.NewStreamSink(rdb, keys.DeadLetters(), 0, log)
	}
	streams := make([]string, keys.Shards)
	for shard := range streams {
		streams[shard] = keys.Outbound(shard)
	}
	s.q = cfg.Metrics.Queue(deadKindReply, rdb, GroupSenders, streams)
	for ch := range senders {
		s.channels = append(s.channels, ch)
	}
	sort.Strings(s.channels)
	for _, ch := range s.channels {
		s.leases[ch] = s.newLeaseGroup(ch)
		s.byCh[ch] = &channelCounters{}
	}
	return s
}

// ChannelStats returns the counters of each channel this process sends.
func (s *ReplySender) ChannelStats() map[string]ChannelSendStats {
	out := make(map[string]ChannelSendStats, len(s.byCh))
	for ch, c := range s.byCh {
		out[ch] = ChannelSendStats{Sent: c.sent.Load(), Retried: c.retried.Load(), Failed: c.failed.Load()}
	}
	return out
}

// channel is ch's counters (a throwaway for a channel it does not send).
func (s *ReplySender) channel(ch string) *channelCounters {
	if c := s.byCh[ch]; c != nil {
		return c
	}
	return &channelCounters{}
}

// Stats returns the counters.
func (s *ReplySender) Stats() SenderStats {
	return SenderStats{
		Sent: s.n.sent.Load(), Retried: s.n.retried.Load(), DeadLettered: s.n.deadLettered.Load(),
		Unreachable: s.n.unreachable.Load(), Dropped: s.n.dropped.Load(), RateLimited: s.n.rateLimited.Load(),
		Throttled: s.n.throttled.Load(), Duplicates: s.n.duplicates.Load(), Reclaimed: s.n.reclaimed.Load(),
	}
}

// Run sends until ctx ends: one goroutine per shard, sending the channels
// whose lease in that shard this process holds. On return in-flight sends
// have finished and been acknowledged, the leases are released and this
// process has left the senders, so others take over at once. Redis failures
// are logged and retried, never returned.
func (s *ReplySender) Run(ctx context.Context) error {
	if s.cfg.SendTimeout >= s.cfg.LeaseTTL/2 {
		return fmt.Errorf("reply sender: SendTimeout %s must be below LeaseTTL/2 (%s)", s.cfg.SendTimeout, s.cfg.LeaseTTL/2)
	}
	if len(s.channels) == 0 {
		<-ctx.Done() // nothing this process can send: every reply waits for its channel's process
		return nil
	}
	if c, ok := s.rdb.(*redis.Client); ok && c.Options().PoolSize < s.keys.Shards+len(s.channels)+4 {
		s.log.Warn("redis pool smaller than the reply sender needs; set PoolSize",
			"pool_size", c.Options().PoolSize, "need", s.keys.Shards+len(s.channels)+4)
	}
	if err := gcra.Load(ctx, s.rdb).Err(); err != nil {
		s.log.Warn("load rate-limit script; bookings will load it later", "err", err)
	}
	// The leases outlive ctx until the shards have stopped sending.
	leaseCtx, stopLeases := context.WithCancel(context.WithoutCancel(ctx))
	var leases sync.WaitGroup
	for _, g := range s.leases {
		leases.Go(func() { g.Run(leaseCtx) })
	}
	var shards sync.WaitGroup
	for shard := 0; shard < s.keys.Shards; shard++ {
		shards.Go(func() { newShardSender(s, shard).run(ctx) })
	}
	shards.Wait()
	stopLeases()
	leases.Wait()
	s.hooks.Wait()
	return nil
}
