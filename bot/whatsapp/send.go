package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/aduan-id/aduan/bot"
)

// Errors of Send, inside a *bot.SendError.
var (
	// ErrNotKnown: the chat never wrote to us. WhatsApp bans numbers that
	// message people who did not write first, so this is never retried.
	ErrNotKnown = errors.New("whatsapp: chat never wrote to us")
	// ErrBadChat: the chat id is not a person's WhatsApp id.
	ErrBadChat = errors.New("whatsapp: not a private chat id")
	// ErrUnhealthy: the channel needs an operator (logged out, banned,
	// replaced, unlinked); replies stay queued.
	ErrUnhealthy = errors.New("whatsapp: channel unhealthy")
	// ErrStandby: another replica holds the connection.
	ErrStandby = errors.New("whatsapp: not the connection holder")
)

// Retry waits Send asks for.
const (
	unhealthyRetry = time.Minute
	standbyRetry   = 5 * time.Second
)

// Send delivers one message (bot.Sender). It sends only to chats that wrote
// to us, with a message id derived from the outbound entry, so a retried send
// is the same WhatsApp message. Errors are *bot.SendError.
func (a *Adapter) Send(ctx context.Context, msg bot.Outbound) error {
	to, err := types.ParseJID(msg.ChatID)
	if err != nil || to.User == "" || (to.Server != types.DefaultUserServer && to.Server != types.HiddenUserServer) {
		return &bot.SendError{Err: ErrBadChat, Permanent: true}
	}
	if to.Device != 0 {
		return &bot.SendError{Err: whatsmeow.ErrRecipientADJID, Permanent: true}
	}
	switch h := a.Health(); {
	case h.NeedsOperator() || a.isTerminal():
		return &bot.SendError{Err: fmt.Errorf("%w: %s", ErrUnhealthy, h.State), RetryAfter: unhealthyRetry}
	case h.State == StateStandby:
		return &bot.SendError{Err: ErrStandby, RetryAfter: standbyRetry}
	}
	rdb, keys := a.redis()
	if rdb == nil {
		return &bot.SendError{Err: ErrStandby, RetryAfter: standbyRetry}
	}
	n, err := rdb.Exists(ctx, knownKey(keys, to.String())).Result()
	if err != nil {
		return &bot.SendError{Err: fmt.Errorf("whatsapp: check chat: %w", err)}
	}
	if n == 0 {
		return &bot.SendError{Err: ErrNotKnown, Permanent: true}
	}
	_, err = a.client.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(a.render(msg))},
		whatsmeow.SendRequestExtra{ID: MessageID(msg)})
	if err != nil {
		a.counters.sendFailed.Add(1)
		return classify(err)
	}
	a.counters.sent.Add(1)
	return nil
}

// MessageID is the WhatsApp message id of an outbound entry: stable across
// retries (derived from the chat and the stream entry id), in whatsmeow's
// format ("3EB0" and 18 hex digits).
func MessageID(msg bot.Outbound) types.MessageID {
	if msg.ID == "" {
		return ""
	}
	h := sha256.Sum256([]byte("aduan-wa-out:" + msg.ChatID + "\x00" + msg.ID))
	return types.MessageID(whatsmeow.WebMessageIDPrefix + strings.ToUpper(hex.EncodeToString(h[:9])))
}

// classify maps a whatsmeow send error to the reply sender's retry policy.
func classify(err error) error {
	switch {
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported), errors.Is(err, whatsmeow.ErrInvalidInlineBotID):
		return &bot.SendError{Err: err, Permanent: true}
	case errors.Is(err, whatsmeow.ErrNotLoggedIn):
		return &bot.SendError{Err: err, RetryAfter: unhealthyRetry}
	}
	// ErrNotConnected, ErrMessageTimedOut, a lost connection, a timeout, a
	// server error: try again later.
	return &bot.SendError{Err: fmt.Errorf("whatsapp send: %w", err)}
}
