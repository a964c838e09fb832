package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// DeadActions lists actions that failed too often (see DeadAction).
func (k Keys) DeadActions() string { return k.Prefix + ":act:dead" }

// DeadAction is an entry of keys.DeadActions().
type DeadAction struct {
	ID         string    `json:"id"` // action stream entry id
	Shard      int       `json:"shard"`
	Raw        string    `json:"raw"` // the entry's FieldAction value, as stored
	Error      string    `json:"error"`
	Deliveries int64     `json:"deliveries"`
	At         time.Time `json:"at"`
}

// ActionConfig tunes the action worker. Zero values take the defaults.
type ActionConfig struct {
	Consumer      string        // unique per process (default ConsumerName())
	Block         time.Duration // XREADGROUP block (2s)
	Batch         int           // entries per read (10)
	MaxDeliveries int64         // deliveries before dead-lettering (10)
	// MinIdle: entries idle longer are taken from their consumer, presumed
	// dead (2 min). Must exceed HandleTimeout and BackoffMax.
	MinIdle       time.Duration
	HandleTimeout time.Duration // one HandleAction (1 min)
	BackoffBase   time.Duration // first retry delay (1s)
	BackoffMax    time.Duration // retry delay cap (1 min)
	JanitorEvery  time.Duration // XAUTOCLAIM sweep (30s)
	TrimEvery     time.Duration // XTRIM of handled entries (1 min)
}

func (c ActionConfig) withDefaults() ActionConfig {
	if c.Consumer == "" {
		c.Consumer = ConsumerName()
	}
	c.Block = streamDefault(c.Block, 2*time.Second)
	c.Batch = streamDefault(c.Batch, 10)
	if c.MaxDeliveries <= 0 {
		c.MaxDeliveries = 10
	}
	c.MinIdle = streamDefault(c.MinIdle, 2*time.Minute)
	c.HandleTimeout = streamDefault(c.HandleTimeout, time.Minute)
	c.BackoffBase = streamDefault(c.BackoffBase, time.Second)
	c.BackoffMax = streamDefault(c.BackoffMax, time.Minute)
	c.JanitorEvery = streamDefault(c.JanitorEvery, 30*time.Second)
	c.TrimEvery = streamDefault(c.TrimEvery, time.Minute)
	return c
}

// ActionStats are the action worker's counters since start.
type ActionStats struct {
	Handled      int64 // HandleAction succeeded, entry acked
	Failed       int64 // HandleAction failed (entry left pending for a retry)
	DeadLettered int64 // moved to keys.DeadActions()
	Reclaimed    int64 // entries taken from idle (dead) consumers
}

type actionCounters struct {
	handled, failed, deadLettered, reclaimed atomic.Int64
}

// ActionWorker feeds the action streams of all shards to an ActionHandler,
// at least once: an entry is acknowledged only after HandleAction returned
// nil. Replicas share the work through the consumer group GroupHandlers.
type ActionWorker struct {
	rdb     redis.UniversalClient
	keys    Keys
	handler ActionHandler
	cfg     ActionConfig
	log     *slog.Logger
	n       actionCounters
}

// NewActionWorker returns a worker calling handler.
func NewActionWorker(rdb redis.UniversalClient, keys Keys, handler ActionHandler, cfg ActionConfig, log *slog.Logger) *ActionWorker {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ActionWorker{rdb: rdb, keys: keys, handler: handler, cfg: cfg,
		log: log.With("component", "actions", "consumer", cfg.Consumer)}
}

// Stats returns the counters.
func (a *ActionWorker) Stats() ActionStats {
	return ActionStats{Handled: a.n.handled.Load(), Failed: a.n.failed.Load(),
		DeadLettered: a.n.deadLettered.Load(), Reclaimed: a.n.reclaimed.Load()}
}

// Run handles actions until ctx ends, one goroutine per shard. A started
// HandleAction finishes (within HandleTimeout) before Run returns. Redis
// failures are logged and retried, never returned.
func (a *ActionWorker) Run(ctx context.Context) error {
	if a.cfg.HandleTimeout >= a.cfg.MinIdle || a.cfg.BackoffMax >= a.cfg.MinIdle {
		return fmt.Errorf("action worker: MinIdle %s must exceed HandleTimeout %s and BackoffMax %s",
			a.cfg.MinIdle, a.cfg.HandleTimeout, a.cfg.BackoffMax)
	}
	warnSmallPool(a.rdb, a.keys.Shards+4, a.log)
	var wg sync.WaitGroup
	for shard := 0; shard < a.keys.Shards; shard++ {
		wg.Go(func() { a.newShard(shard).run(ctx) })
	}
	wg.Wait()
	return nil
}
