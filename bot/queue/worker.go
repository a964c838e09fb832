package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// WorkerConfig describes a queue: the streams it reads, the group, what to do
// with an entry (Handle), and where entries it gives up on go. Zero
// durations and counts take the defaults.
type WorkerConfig struct {
	// Name is the queue's name: the metrics label and the dead letters'
	// Kind ("action", "forward", "webhook").
	Name    string
	Streams []string // e.g. one per shard
	Group   string   // the consumer group, created when missing
	// Consumer is this process's name in the group (default ConsumerName()).
	// A stable name lets a restarted process re-read its own pending entries
	// first; others are taken over after ReclaimIdle.
	Consumer string
	// Handle does the work of one entry. nil: done, acknowledged. An error is
	// judged by Policy: wrap it with Permanent to give up at once, with After
	// to wait a Retry-After. It must be idempotent by (Stream, ID): an entry
	// comes back if the process dies before acknowledging it.
	Handle func(ctx context.Context, m Message) error
	// Describe fills a dead letter's Number and Target and adds log
	// attributes for an entry (optional). It must not return personal data in
	// Log.
	Describe    func(m Message) Description
	DeadLetters DeadLetterSink // where given-up entries go (required)
	Policy      Policy
	Concurrency int           // entries handled at once over all streams (1)
	Batch       int           // entries per read, at most the free slots (10)
	Block       time.Duration // XREADGROUP block (2 s)
	// HandleTimeout bounds one Handle (1 min). A started Handle finishes
	// within it when Run's context ends.
	HandleTimeout time.Duration
	// ReclaimIdle: an entry idle this long at any consumer is taken over, its
	// consumer presumed dead (2 min). It must exceed HandleTimeout.
	ReclaimIdle  time.Duration
	JanitorEvery time.Duration // take-over sweep and idle refresh (ReclaimIdle/4)
	TrimEvery    time.Duration // XTRIM of handled entries (1 min)
	Metrics      *Metrics      // nil: none
}

// Description is what a worker says of an entry in dead letters and logs.
type Description struct {
	Number string // the report it belongs to, when known
	Target string // a URL without its query, or a channel
	Log    []any  // slog attributes for the entry's log lines (no personal data)
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.Consumer == "" {
		c.Consumer = ConsumerName()
	}
	c.Policy = c.Policy.WithDefaults()
	c.Concurrency = orDefault(c.Concurrency, 1)
	c.Batch = orDefault(c.Batch, 10)
	c.Block = orDefault(c.Block, 2*time.Second)
	c.HandleTimeout = orDefault(c.HandleTimeout, time.Minute)
	c.ReclaimIdle = orDefault(c.ReclaimIdle, 2*time.Minute)
	c.JanitorEvery = orDefault(c.JanitorEvery, c.ReclaimIdle/4)
	c.TrimEvery = orDefault(c.TrimEvery, time.Minute)
	return c
}

func (c WorkerConfig) validate() error {
	switch {
	case c.Name == "" || c.Group == "" || len(c.Streams) == 0:
		return errors.New("queue worker: Name, Group and Streams are required")
	case c.Handle == nil:
		return fmt.Errorf("queue worker %s: Handle is required", c.Name)
	case c.DeadLetters == nil:
		return fmt.Errorf("queue worker %s: DeadLetters is required", c.Name)
	case c.HandleTimeout >= c.ReclaimIdle:
		return fmt.Errorf("queue worker %s: ReclaimIdle %s must exceed HandleTimeout %s", c.Name, c.ReclaimIdle, c.HandleTimeout)
	case c.JanitorEvery >= c.ReclaimIdle/2:
		return fmt.Errorf("queue worker %s: JanitorEvery %s must be under ReclaimIdle/2 (%s)", c.Name, c.JanitorEvery, c.ReclaimIdle/2)
	}
	return nil
}

// Worker handles the entries of a queue's streams, at least once: an entry
// is acknowledged only after Handle returned nil, or after its dead letter
// was written. Replicas share the work through the consumer group; order is
// not kept.
type Worker struct {
	rdb      redis.UniversalClient
	cfg      WorkerConfig
	log      *slog.Logger
	n        *Counters
	slots    *slots
	inflight sync.WaitGroup
}

// NewWorker returns a worker for cfg; Run checks the configuration.
func NewWorker(rdb redis.UniversalClient, cfg WorkerConfig, log *slog.Logger) *Worker {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{rdb: rdb, cfg: cfg, log: log.With("queue", cfg.Name, "consumer", cfg.Consumer),
		n: cfg.Metrics.Queue(cfg.Name, rdb, cfg.Group, cfg.Streams), slots: newSlots(cfg.Concurrency)}
}

// Stats returns the worker's counters since start.
func (w *Worker) Stats() Stats { return w.n.Stats() }

// Consumer is the worker's consumer name.
func (w *Worker) Consumer() string { return w.cfg.Consumer }

// Run handles entries until ctx ends: one reader per stream, at most
// Concurrency handlers at once. On return, started handlers have finished;
// entries waiting for a retry stay pending with their state in Redis and are
// picked up by the next run (or another replica). Redis failures are logged
// and retried, never returned.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.cfg.validate(); err != nil {
		return err
	}
	if c, ok := w.rdb.(*redis.Client); ok && c.Options().PoolSize < len(w.cfg.Streams)+w.cfg.Concurrency+2 {
		w.log.Warn("redis pool smaller than the queue's readers and handlers need; set PoolSize",
			"pool_size", c.Options().PoolSize, "need", len(w.cfg.Streams)+w.cfg.Concurrency+2)
	}
	var wg sync.WaitGroup
	for _, stream := range w.cfg.Streams {
		wg.Go(func() { w.newLoop(stream).run(ctx) })
	}
	wg.Wait()
	w.inflight.Wait()
	return nil
}

// safeHandle turns a panic of Handle into an error, so one bad entry cannot
// take the process down. The panic value is named only for runtime errors:
// others may carry the entry's content.
func (w *Worker) safeHandle(ctx context.Context, m Message) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if re, ok := r.(runtime.Error); ok {
			err = fmt.Errorf("panic: %w", re)
			return
		}
		err = fmt.Errorf("panic (%T)", r)
	}()
	return w.cfg.Handle(ctx, m)
}

func (w *Worker) describe(m Message) Description {
	if w.cfg.Describe == nil {
		return Description{}
	}
	return w.cfg.Describe(m)
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// outageBackoff is the pause after the n-th Redis failure in a row: 100 ms
// doubling to 5 s, jittered in its upper half (never a tight loop).
func outageBackoff(n int) time.Duration {
	d := FullJitter(n, 100*time.Millisecond, 5*time.Second)
	return 50*time.Millisecond + d
}

// writeCtx outlives a shutdown briefly, so a finished piece of work is
// recorded (acknowledged, dead-lettered).
func writeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}
