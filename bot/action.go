package bot

import (
	"context"
	"time"

	"github.com/aduan-id/aduan/flows"
)

// ActionEnvelope is an action from the engine with the conversation it came
// from, as stored on a shard's action stream.
type ActionEnvelope struct {
	ID      string       `json:"-"` // stream entry id: stable, use it as an idempotency key
	Channel string       `json:"ch"`
	ChatID  string       `json:"chat"`
	UserID  string       `json:"user,omitempty"`
	Lang    string       `json:"lang,omitempty"`
	Action  flows.Action `json:"a"`
	At      time.Time    `json:"at"`
}

// ActionHandler acts on engine actions (the complaint API implements it). It
// must be idempotent by envelope ID or by the action's tracking number: an
// entry is redelivered if the handler process dies before acknowledging it. A
// returned error leaves the entry pending for a later retry.
type ActionHandler interface {
	HandleAction(ctx context.Context, env ActionEnvelope) error
}

// Notifier queues a message to a citizen on their channel, through the same
// outbound stream (and so the same rate limits and retries) as replies.
type Notifier interface {
	Notify(ctx context.Context, msg Outbound) error
}

// FlowStarter starts a flow in a citizen's conversation from outside the chat,
// e.g. "was your problem solved?" when an admin resolves a report, or an
// admin's question whose answer must be threaded into the report. It runs the
// engine and commits exactly like an inbound message.
type FlowStarter interface {
	StartFlow(ctx context.Context, channel, chatID, flowID, pending string, intro string) error
}
