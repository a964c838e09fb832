package bot

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/flows"
)

// Dispatcher runs each inbound message through the flow engine and commits the
// result: load the session (one round trip), step the engine, commit in one
// Lua script (one round trip). A version conflict (two messages of one chat at
// once, possibly on two replicas) reloads and retries; an id seen before is a
// no-op. Nothing reaches the citizen before the commit: replies go to the
// outbound stream and the reply sender delivers them.
type Dispatcher struct {
	rdb      redis.UniversalClient
	keys     Keys
	engine   *flows.Engine
	log      *slog.Logger
	now      func() time.Time
	seenTTL  time.Duration
	attempts int
	prefix   string // tracking-number prefix, e.g. SDA

	stats DispatchStats
}

// DispatchStats counts what the dispatcher did, for metrics.
type DispatchStats struct {
	Handled, Duplicates, Conflicts, Stale, Failed atomic.Int64
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// WithClock sets the clock (tests).
func WithClock(now func() time.Time) DispatcherOption { return func(d *Dispatcher) { d.now = now } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) DispatcherOption { return func(d *Dispatcher) { d.log = l } }

// NewDispatcher returns a dispatcher over rdb with the key layout keys.
func NewDispatcher(rdb redis.UniversalClient, keys Keys, engine *flows.Engine, opts ...DispatcherOption) *Dispatcher {
	d := &Dispatcher{rdb: rdb, keys: keys, engine: engine, log: slog.New(slog.DiscardHandler),
		now: time.Now, seenTTL: 48 * time.Hour, attempts: 50,
		prefix: engine.Set().Catalog().Region.TrackingPrefix}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Stats returns the dispatcher's counters.
func (d *Dispatcher) Stats() *DispatchStats { return &d.stats }

var _ Handler = (*Dispatcher)(nil)
var _ FlowStarter = (*Dispatcher)(nil)

// ErrTooManyConflicts is returned when a chat's session kept changing under
// us; the platform should redeliver the message later.
var ErrTooManyConflicts = errors.New("session kept changing: too many conflicts")

// Handle implements Handler.
func (d *Dispatcher) Handle(ctx context.Context, in Inbound) (Outcome, error) {
	if in.Received.IsZero() {
		in.Received = d.now()
	}
	out, err := d.run(ctx, in.Channel, in.ChatID, in.UserID, in.MessageID, in.Input(), true)
	if err != nil {
		d.stats.Failed.Add(1)
		return out, err
	}
	switch {
	case out.Duplicate:
		d.stats.Duplicates.Add(1)
	case out.Stale:
		d.stats.Stale.Add(1)
	default:
		d.stats.Handled.Add(1)
	}
	return out, nil
}

// StartFlow implements FlowStarter: it runs the engine with a flow start and
// commits it like a message of the citizen (StartFlowOnce with a fresh id).
func (d *Dispatcher) StartFlow(ctx context.Context, channel, chatID, flowID, pending, intro string) error {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return d.StartFlowOnce(ctx, hex.EncodeToString(b[:]), channel, chatID, flowID, pending, intro)
}

// StartFlowOnce is StartFlow at most once per id: the id is committed as the
// start's message id, so a repeat is a duplicate the dispatcher ignores.
func (d *Dispatcher) StartFlowOnce(ctx context.Context, id, channel, chatID, flowID, pending, intro string) error {
	_, err := d.run(ctx, channel, chatID, chatID, "start:"+id,
		flows.Input{Start: flowID, Pending: pending, Intro: intro}, false)
	if err != nil {
		return fmt.Errorf("start flow %s: %w", flowID, err)
	}
	return nil
}

// run steps the engine for one input and commits it. fromCitizen is true for
// a message the citizen sent (it marks the chat as one that wrote to us).
func (d *Dispatcher) run(ctx context.Context, channel, chatID, userID, messageID string, input flows.Input, fromCitizen bool) (Outcome, error) {
	shard := d.keys.Shard(channel, chatID)
	sessKey := d.keys.Session(channel, chatID)
	seenKey := d.keys.Seen(channel, chatID, messageID)
	for attempt := 0; attempt < d.attempts; attempt++ {
		// Round trip 1: the session and whether this id was already processed.
		pipe := d.rdb.Pipeline()
		getCmd := pipe.Get(ctx, sessKey)
		seenCmd := pipe.Exists(ctx, seenKey)
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return Outcome{}, fmt.Errorf("load session %s: %w", sessKey, err)
		}
		if seenCmd.Val() == 1 {
			return Outcome{Duplicate: true}, nil
		}
		var version int64
		var sess flows.Session
		if raw, err := getCmd.Result(); err == nil {
			if version, sess, err = decodeSession(raw); err != nil {
				return Outcome{}, fmt.Errorf("load session %s: %w", sessKey, err)
			}
		}
		input.Now = d.now()
		input.Tracking = d.keys.newTracking(d.prefix, shard)
		res := d.engine.Step(sess, input)
		if input.Choice != "" && !res.Accepted {
			// A button of a question that has passed: nothing to commit but
			// the seen mark, so a redelivery stays a no-op.
			if err := d.rdb.Set(ctx, seenKey, "1", d.seenTTL).Err(); err != nil {
				return Outcome{}, fmt.Errorf("mark seen %s: %w", seenKey, err)
			}
			return Outcome{Stale: true, Lang: res.Session.Lang}, nil
		}
		status, err := d.commit(ctx, shard, channel, chatID, userID, sessKey, seenKey, version, input.Tracking, res, fromCitizen)
		if err != nil {
			return Outcome{}, err
		}
		switch status {
		case commitOK:
			return Outcome{AnswerLabel: res.AnswerLabel, Lang: res.Session.Lang}, nil
		case commitSeen:
			return Outcome{Duplicate: true}, nil
		case commitConflict:
			d.stats.Conflicts.Add(1)
		case commitTaken:
			// A tracking number collision: draw another one and step again.
		}
		// Jittered backoff keeps two racing deliveries from colliding again.
		backoff := time.Duration(rand.IntN(1+min(attempt, 10)*2)) * time.Millisecond
		select {
		case <-ctx.Done():
			return Outcome{}, fmt.Errorf("dispatch %s: %w", sessKey, ctx.Err())
		case <-time.After(backoff):
		}
	}
	return Outcome{}, fmt.Errorf("dispatch %s: %w", sessKey, ErrTooManyConflicts)
}

// commit runs the commit script (round trip 2).
func (d *Dispatcher) commit(ctx context.Context, shard int, channel, chatID, userID, sessKey, seenKey string,
	version int64, tracking string, res flows.Result, fromCitizen bool) (int, error) {
	value, err := encodeSession(version+1, res.Session)
	if err != nil {
		return 0, err
	}
	reserve := "0"
	for _, a := range res.Actions {
		if a.Kind == flows.ActionSubmit {
			reserve = "1"
		}
	}
	contactTTL := int64(0)
	if fromCitizen {
		contactTTL = ContactTTL.Milliseconds()
	}
	args := make([]any, 0, 8+len(res.Replies)+len(res.Actions))
	args = append(args, version, value, d.engine.DraftTTL().Milliseconds(), d.seenTTL.Milliseconds(),
		reserve, sessKey, contactTTL, len(res.Replies))
	for _, r := range res.Replies {
		data, err := json.Marshal(Outbound{Channel: channel, ChatID: chatID, Lang: res.Session.Lang,
			Text: r.Text, Choices: answerChoices(r.Choices), Ask: r.Ask, Step: r.Step})
		if err != nil {
			return 0, fmt.Errorf("encode reply: %w", err)
		}
		args = append(args, string(data))
	}
	now := d.now()
	for _, a := range res.Actions {
		data, err := json.Marshal(ActionEnvelope{Channel: channel, ChatID: chatID, UserID: userID,
			Lang: res.Session.Lang, Action: a, At: now})
		if err != nil {
			return 0, fmt.Errorf("encode action: %w", err)
		}
		args = append(args, string(data))
	}
	keys := []string{sessKey, seenKey, d.keys.Outbound(shard), d.keys.Actions(shard),
		d.keys.Tracking(shard, tracking), d.keys.Unreachable(channel, chatID), d.keys.Contact(channel, chatID)}
	status, err := commitScript.Run(ctx, d.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("commit session %s: %w", sessKey, err)
	}
	return status, nil
}

// answerChoices drops link choices (flows' tel: link of the emergency
// number): Telegram refuses tel: URLs in buttons (only http(s) and tg://),
// and a numbered menu must count answers only. The reply's text holds the
// number on its own line, which phones make tappable.
func answerChoices(cs []flows.Choice) []flows.Choice {
	out := cs[:0:0]
	for _, c := range cs {
		if c.URL == "" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
