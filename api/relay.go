package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aduan-id/aduan/bot"
)

// Citizens is the messaging core as the relay needs it: queue a message to a
// citizen's chat, or start a flow in their conversation, each at most once
// per id. *bot.QueueNotifier and *bot.Dispatcher implement the two halves.
type Citizens interface {
	NotifyOnce(ctx context.Context, id string, msg bot.Outbound) error
	StartFlowOnce(ctx context.Context, id, channel, chatID, flowID, pending, intro string) error
}

// FlowStart is the payload of an EffectStartFlow.
type FlowStart struct {
	Channel string `json:"channel"`
	ChatID  string `json:"chat_id"`
	Flow    string `json:"flow"`
	Pending string `json:"pending"` // the report number the flow is about
	Intro   string `json:"intro"`   // the first message, already rendered
}

// relayedTTL is how long a relayed effect id is remembered on the Redis side:
// far longer than a row can wait between being relayed and being deleted.
const relayedTTL = 7 * 24 * time.Hour

// Relay moves committed outbox rows to Redis: notices to the citizens'
// outbound streams, flow starts into their conversations, forwards and
// webhooks to the complaint side's streams. At least once, deduplicated by
// the effect id on the Redis side (a crash between the XADD and the delete
// never does the work twice). Rows are relayed in commit order; one that
// fails stops the batch so that a later notice never overtakes an earlier
// one. Several replicas may run it.
type Relay struct {
	svc      *Service
	interval time.Duration
	log      *slog.Logger
}

// NewRelay returns a relay for svc's outbox. It also wakes up at once after
// svc commits a change with effects (in this process).
func NewRelay(svc *Service) *Relay {
	return &Relay{svc: svc, interval: time.Second, log: svc.log.With("component", "relay")}
}

// Run relays until ctx ends. Failures (Redis or the database down) are
// logged and retried with a growing pause; nothing is dropped.
func (r *Relay) Run(ctx context.Context) error {
	pause := r.interval
	for ctx.Err() == nil {
		n, err := r.Drain(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("relay: will retry", "err", err, "in", pause)
			pause = min(pause*2, 30*time.Second)
		case err == nil:
			pause = r.interval
		}
		if n > 0 && err == nil {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
		case <-r.svc.kicked:
		case <-time.After(pause):
		}
	}
	return nil
}

// Drain relays what is pending now and returns how many rows it relayed.
func (r *Relay) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		entries, err := r.svc.store.Outbox(ctx, 100)
		if err != nil {
			return total, fmt.Errorf("relay: read outbox: %w", err)
		}
		if len(entries) == 0 {
			return total, nil
		}
		for _, e := range entries {
			if err := r.relay(ctx, e); err != nil {
				return total, fmt.Errorf("relay %s of %s: %w", e.Kind, e.Number, err)
			}
			if err := r.svc.store.OutboxDone(ctx, e.Seq); err != nil {
				return total, fmt.Errorf("relay: outbox done: %w", err)
			}
			total++
		}
	}
}

func (r *Relay) relay(ctx context.Context, e OutboxEntry) error {
	switch e.Kind {
	case EffectNotice:
		var msg bot.Outbound
		if err := json.Unmarshal(e.Payload, &msg); err != nil {
			return r.poison(ctx, e, err)
		}
		return r.svc.citizens.NotifyOnce(ctx, e.ID, msg)
	case EffectStartFlow:
		var f FlowStart
		if err := json.Unmarshal(e.Payload, &f); err != nil {
			return r.poison(ctx, e, err)
		}
		return r.svc.citizens.StartFlowOnce(ctx, e.ID, f.Channel, f.ChatID, f.Flow, f.Pending, f.Intro)
	case EffectForward:
		return r.xadd(ctx, e, r.svc.k.fwdStream(), "number", e.Number)
	case EffectWebhook:
		var h map[string]string
		if err := json.Unmarshal(e.Payload, &h); err != nil {
			return r.poison(ctx, e, err)
		}
		return r.xadd(ctx, e, r.svc.k.hookStream(),
			"url", h["url"], "event_id", h["event_id"], "number", e.Number, "body", h["body"])
	}
	return r.poison(ctx, e, fmt.Errorf("unknown effect kind %q", e.Kind))
}

func (r *Relay) xadd(ctx context.Context, e OutboxEntry, stream string, fields ...string) error {
	_, err := bot.XAddOnce(ctx, r.svc.rdb, r.svc.k.relayed(e.ID), stream, relayedTTL, fields...)
	return err
}

// poison records a row that can never be relayed (a bug: its payload does
// not decode) as a dead letter a person sees, so it neither blocks the
// outbox nor vanishes.
func (r *Relay) poison(ctx context.Context, e OutboxEntry, cause error) error {
	now := time.Now().UTC()
	kind := DeadReply
	switch e.Kind {
	case EffectForward:
		kind = DeadForward
	case EffectWebhook:
		kind = DeadWebhook
	}
	d := DeadLetter{
		Kind: kind, Stream: "outbox", Entry: strconv.FormatInt(e.Seq, 10), Number: e.Number,
		Error: "outbox row cannot be relayed: " + cause.Error(), Attempts: 1, FirstAt: now, LastAt: now,
		Payload: map[string]string{"kind": e.Kind, "id": e.ID, "payload": string(e.Payload)},
	}
	if err := r.svc.store.AddDeadLetter(ctx, d); err != nil {
		return fmt.Errorf("dead-letter outbox row %d: %w", e.Seq, err)
	}
	r.log.Error("relay: outbox row cannot be relayed; dead-lettered", "seq", e.Seq, "kind", e.Kind, "number", e.Number)
	return nil
}
