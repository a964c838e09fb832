package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// deadKindAction is the dead letters' Kind for engine actions.
const deadKindAction = "action"

// ActionConfig tunes the action worker. Zero values take the defaults.
type ActionConfig struct {
	Consumer string        // unique per process (default ConsumerName())
	Block    time.Duration // XREADGROUP block (2s)
	Batch    int           // entries per read, at most the free handlers (10)
	// Concurrency is how many actions are handled at once over all shards (4).
	Concurrency int
	// MaxDeliveries bounds the deliveries of an action whose handling never
	// ended (it took the process down) before it is dead-lettered (10).
	MaxDeliveries int64
	// MinIdle: entries idle longer at another consumer are taken over, their
	// consumer presumed dead (2 min). Must exceed HandleTimeout.
	MinIdle       time.Duration
	HandleTimeout time.Duration // one HandleAction (1 min)
	// The retry policy (queue.Policy): full-jitter backoff from BackoffBase
	// (1s) to BackoffMax (1 min) until the first failure is MaxAge old (3
	// days); a queue.After wait is capped at RetryAfterCap (15 min).
	BackoffBase   time.Duration
	BackoffMax    time.Duration
	MaxAge        time.Duration
	RetryAfterCap time.Duration
	JanitorEvery  time.Duration // take-over sweep (MinIdle/4)
	TrimEvery     time.Duration // XTRIM of handled entries (1 min)
	// DeadLetters receives the actions given up on (nil: a queue.StreamSink
	// on keys.DeadLetters(), the fallback until a database sink is wired).
	DeadLetters queue.DeadLetterSink
	Metrics     *queue.Metrics // the "action" queue's measures (nil: none)
}

// ActionStats are the action worker's counters since start.
type ActionStats struct {
	Handled      int64 // HandleAction succeeded, entry acked
	Failed       int64 // HandleAction failed and will be retried
	DeadLettered int64 // given to the dead-letter sink
	Reclaimed    int64 // entries taken from idle (dead) consumers
}

// ActionWorker feeds the action streams of all shards to an ActionHandler:
// a queue.Worker whose Handle decodes the envelope and calls HandleAction.
// At least once: an entry is acknowledged only after HandleAction returned
// nil (or its dead letter was written). Replicas share the work through the
// consumer group GroupHandlers.
type ActionWorker struct {
	w *queue.Worker
}

// NewActionWorker returns a worker calling handler.
func NewActionWorker(rdb redis.UniversalClient, keys Keys, handler ActionHandler, cfg ActionConfig, log *slog.Logger) *ActionWorker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sink := cfg.DeadLetters
	if sink == nil {
		sink = queue.NewStreamSink(rdb, keys.DeadLetters(), 0, log)
	}
	streams := make([]string, keys.Shards)
	for shard := range streams {
		streams[shard] = keys.Actions(shard)
	}
	wc := queue.WorkerConfig{
		Name: deadKindAction, Streams: streams, Group: GroupHandlers, Consumer: cfg.Consumer,
		Handle:      func(ctx context.Context, m queue.Message) error { return handleAction(ctx, handler, m) },
		Describe:    describeAction,
		DeadLetters: sink,
		Policy: queue.Policy{MaxAge: cfg.MaxAge, BackoffBase: cfg.BackoffBase, BackoffMax: cfg.BackoffMax,
			RetryAfterCap: cfg.RetryAfterCap, MaxDeliveries: cfg.MaxDeliveries},
		Concurrency: streamDefault(cfg.Concurrency, 4), Batch: cfg.Batch, Block: cfg.Block,
		HandleTimeout: cfg.HandleTimeout, ReclaimIdle: cfg.MinIdle, JanitorEvery: cfg.JanitorEvery,
		TrimEvery: cfg.TrimEvery, Metrics: cfg.Metrics,
	}
	return &ActionWorker{w: queue.NewWorker(rdb, wc, log.With("component", "actions"))}
}

// Stats returns the counters.
func (a *ActionWorker) Stats() ActionStats {
	st := a.w.Stats()
	return ActionStats{Handled: st.Handled, Failed: st.Retried, DeadLettered: st.Dead, Reclaimed: st.Reclaimed}
}

// Run handles actions until ctx ends. A started HandleAction finishes
// (within HandleTimeout) before Run returns. Redis failures are logged and
// retried, never returned.
func (a *ActionWorker) Run(ctx context.Context) error { return a.w.Run(ctx) }

// handleAction decodes an action entry and hands it to the handler. An entry
// that is not an action can never succeed: it is dead-lettered at once.
func handleAction(ctx context.Context, h ActionHandler, m queue.Message) error {
	env, err := decodeActionValues(m.ID, m.Values)
	if err != nil {
		return queue.Permanent(err)
	}
	return h.HandleAction(ctx, env)
}

// describeAction names an action's report and channel in its dead letter and
// logs (the chat only hashed).
func describeAction(m queue.Message) queue.Description {
	env, err := decodeActionValues(m.ID, m.Values)
	if err != nil {
		return queue.Description{}
	}
	return queue.Description{Number: env.Action.Tracking, Target: env.Channel,
		Log: []any{"kind", env.Action.Kind, "channel", env.Channel, "chat", streamChatHash(env.ChatID)}}
}
