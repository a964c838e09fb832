// Package bot is the channel-agnostic messaging core: Inbound and Outbound
// messages, the Channel interface, the dispatcher (dedup, ordering, run the
// flow, commit atomically), the reply sender (rate limits, retries) and the
// Redis session store. Adapters live in sub-packages named after what they wrap
// (bot/telegram, bot/whatsapp, bot/terminal).
package bot

import (
	"time"

	"github.com/aduan-id/aduan/flows"
)

// Channel names, as stored in keys, streams and reports.
const (
	ChannelTelegram = "telegram"
	ChannelWhatsApp = "whatsapp"
	ChannelTerminal = "terminal"
)

// Inbound is one citizen message, converted by a channel adapter.
type Inbound struct {
	Channel string // ChannelTelegram, ...
	ChatID  string // where replies go, channel-native, as a string
	UserID  string // the sender (for a private chat usually the same as ChatID)
	// MessageID is unique within the channel (Telegram update_id, WhatsApp
	// message id): the dispatcher processes each id once.
	MessageID string
	Lang      string // language hint from the platform ("id", "en", "")

	Text        string
	Choice      string // callback data of a pressed button: "<step>|<value>"
	Location    *flows.Location
	Photos      []flows.Photo
	Contact     *flows.Contact
	Unsupported string // "voice", "sticker", "video", "poll", ...

	Received time.Time
}

// Input is what the flow engine reads of the message.
func (in Inbound) Input() flows.Input {
	return flows.Input{Text: in.Text, Choice: in.Choice, Location: in.Location, Photos: in.Photos,
		Contact: in.Contact, Unsupported: in.Unsupported, LangHint: in.Lang}
}

// Outbound is one message to a citizen, as queued on the outbound stream.
type Outbound struct {
	// ID is the stream entry id; stable across retries, so a channel may use it
	// to make a send idempotent.
	ID      string         `json:"-"`
	Channel string         `json:"ch"`
	ChatID  string         `json:"chat"`
	Lang    string         `json:"lang,omitempty"`
	Text    string         `json:"text"`
	Choices []flows.Choice `json:"choices,omitempty"`
	Ask     string         `json:"ask,omitempty"`  // flows.AskLocation, ...
	Step    string         `json:"step,omitempty"` // step that asked; for callback data
	// Notice marks a message the citizen did not ask for just now (an admin's
	// reply, a status change). Channels may render it differently.
	Notice bool `json:"notice,omitempty"`
	// Ref is opaque to the messaging core: the complaint side names the
	// timeline event a notice belongs to ("<number>/<event id>"), so the
	// sender can report its delivery back (SenderConfig.OnDelivery).
	Ref string `json:"ref,omitempty"`
}

// Outcome tells an adapter what became of an inbound message once committed.
type Outcome struct {
	Duplicate bool // already processed earlier; nothing changed
	// Stale is true when a pressed button belonged to an old question: nothing
	// changed, and the channel may say "that question has passed".
	Stale bool
	// AnswerLabel is the label of an accepted pressed choice.
	AnswerLabel string
	// Lang is the conversation's language, for what the adapter itself says
	// (e.g. "that question has passed"); "" for a duplicate.
	Lang string
}
