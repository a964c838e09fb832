package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// Client holds the whatsmeow calls the adapter uses, so tests can drive the
// adapter with a fake (see whatsapptest). *whatsmeow.Client implements it.
type Client interface {
	Connect() error
	Disconnect()
	IsConnected() bool
	IsLoggedIn() bool
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
}

var _ Client = (*whatsmeow.Client)(nil)

// Paired is implemented by clients that know whether their device store holds
// a linked device. *whatsmeow.Client does not (its Store.ID field says it); the
// adapter checks that field itself.
type Paired interface {
	Paired() bool
}

// LIDResolver maps a LID (hidden user id) to the phone-number JID, when the
// store knows it. whatsmeow's Store.LIDs implements it.
type LIDResolver interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

// isPaired reports whether c's device store holds a linked device.
func isPaired(c Client) bool {
	switch v := c.(type) {
	case *whatsmeow.Client:
		return v.Store != nil && v.Store.ID != nil
	case Paired:
		return v.Paired()
	}
	return true
}

// lidResolver returns the LID map of c, or nil.
func lidResolver(c Client) LIDResolver {
	switch v := c.(type) {
	case *whatsmeow.Client:
		if v.Store != nil && v.Store.LIDs != nil {
			return v.Store.LIDs
		}
	case LIDResolver:
		return v
	}
	return nil
}

// configure sets the delivery options production bridges run with: a handler
// that fails leaves the message without a receipt (WhatsApp redelivers it),
// receipts go out inline after the handlers, and the decrypted plaintext is
// kept until the handlers succeed (a redelivered ciphertext cannot be
// decrypted twice). whatsmeow's own reconnect loop is off: Run reconnects with
// a capped backoff and never after a terminal event.
func configure(c Client, terminal func() bool) {
	cli, ok := c.(*whatsmeow.Client)
	if !ok {
		return
	}
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	cli.EnableAutoReconnect = false
	cli.InitialAutoReconnect = false
	cli.AutoReconnectHook = func(error) bool { return !terminal() }
}
