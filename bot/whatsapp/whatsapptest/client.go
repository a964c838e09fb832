// Package whatsapptest is a fake of the whatsmeow client the WhatsApp adapter
// uses: tests drive events into the adapter's handler and read what it sent,
// marked read and downloaded. Nothing touches the network.
package whatsapptest

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// Sent is one message the adapter sent.
type Sent struct {
	To      types.JID
	ID      types.MessageID
	Message *waE2E.Message
}

// Text is the sent text.
func (s Sent) Text() string { return s.Message.GetConversation() }

// Read is one MarkRead call.
type Read struct {
	IDs  []types.MessageID
	Chat types.JID
}

// Client is a fake whatsmeow client. Its zero value is not usable: use
// NewClient. Fields set before use: ConnectErr, SendErr, Media, LIDs,
// Unpaired.
type Client struct {
	mu          sync.Mutex
	handlers    []whatsmeow.EventHandlerWithSuccessStatus
	connected   bool
	unpaired    bool
	connects    int
	disconnects int
	sent        []Sent
	reads       []Read
	downloads   int

	// ConnectErr, if set, is returned by Connect.
	ConnectErr error
	// SendErr, if set, decides the error of each SendMessage.
	SendErr func(to types.JID, id types.MessageID) error
	// Media holds downloadable bytes by direct path.
	Media map[string][]byte
	// LIDs maps a LID to its phone-number JID (the store's LID map).
	LIDs map[types.JID]types.JID
	// QR feeds GetQRChannel (pairing); the test sends codes and the outcome.
	QR chan whatsmeow.QRChannelItem
}

// NewClient returns a paired, disconnected fake.
func NewClient() *Client {
	return &Client{Media: map[string][]byte{}, LIDs: map[types.JID]types.JID{}, QR: make(chan whatsmeow.QRChannelItem, 8)}
}

// Dispatch runs the registered handlers like whatsmeow does (in order,
// stopping at the first that fails) and reports whether all succeeded, i.e.
// whether whatsmeow would send the receipt.
func (c *Client) Dispatch(evt any) bool {
	c.mu.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), c.handlers...)
	c.mu.Unlock()
	for _, h := range hs {
		if !h(evt) {
			return false
		}
	}
	return true
}

// Drop simulates the server closing the connection (events.Disconnected).
func (c *Client) Drop() {
	c.mu.Lock()
	c.connected = false
	c.mu.Unlock()
	c.Dispatch(&events.Disconnected{})
}

// Kick simulates a terminal event (LoggedOut, TemporaryBan, StreamReplaced,
// ClientOutdated): the connection closes and whatsmeow does not reconnect.
// LoggedOut also deletes the device, as whatsmeow does.
func (c *Client) Kick(evt any) {
	c.mu.Lock()
	c.connected = false
	if _, ok := evt.(*events.LoggedOut); ok {
		c.unpaired = true
	}
	c.mu.Unlock()
	c.Dispatch(evt)
}

// SetPaired sets whether the device store holds a linked device.
func (c *Client) SetPaired(p bool) {
	c.mu.Lock()
	c.unpaired = !p
	c.mu.Unlock()
}

// Paired implements the adapter's Paired check.
func (c *Client) Paired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.unpaired
}

// Connect marks the fake connected and, when paired, emits events.Connected
// from another goroutine, like whatsmeow after the login.
func (c *Client) Connect() error {
	c.mu.Lock()
	c.connects++
	if c.ConnectErr != nil {
		err := c.ConnectErr
		c.mu.Unlock()
		return err
	}
	if c.connected {
		c.mu.Unlock()
		return whatsmeow.ErrAlreadyConnected
	}
	c.connected = true
	paired := !c.unpaired
	c.mu.Unlock()
	if paired { // an unlinked client gets QR codes instead (see QR)
		go c.Dispatch(&events.Connected{})
	}
	return nil
}

// Disconnect closes the fake connection without events, like whatsmeow.
func (c *Client) Disconnect() {
	c.mu.Lock()
	c.disconnects++
	c.connected = false
	c.mu.Unlock()
}

// IsConnected implements the client.
func (c *Client) IsConnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected
}

// IsLoggedIn implements the client.
func (c *Client) IsLoggedIn() bool { return c.IsConnected() }

// AddEventHandlerWithSuccessStatus implements the client.
func (c *Client) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers = append(c.handlers, h)
	return uint32(len(c.handlers))
}

// SendMessage records the message. It fails like whatsmeow when not
// connected, and for a recipient with a device part.
func (c *Client) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	var id types.MessageID
	if len(extra) > 0 {
		id = extra[0].ID
	}
	if to.Device > 0 {
		return whatsmeow.SendResponse{}, whatsmeow.ErrRecipientADJID
	}
	c.mu.Lock()
	connected, sendErr := c.connected, c.SendErr
	c.mu.Unlock()
	if sendErr != nil {
		if err := sendErr(to, id); err != nil {
			return whatsmeow.SendResponse{}, err
		}
	}
	if !connected {
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	c.mu.Lock()
	c.sent = append(c.sent, Sent{To: to, ID: id, Message: m})
	c.mu.Unlock()
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

// MarkRead records the receipt.
func (c *Client) MarkRead(ctx context.Context, ids []types.MessageID, ts time.Time, chat, sender types.JID, _ ...types.ReceiptType) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads = append(c.reads, Read{IDs: ids, Chat: chat})
	return nil
}

// ErrNoMedia is returned by Download for an unknown direct path.
var ErrNoMedia = errors.New("whatsapptest: no media at that path")

// Download returns Media[msg.GetDirectPath()].
func (c *Client) Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.downloads++
	data, ok := c.Media[msg.GetDirectPath()]
	if !ok {
		return nil, ErrNoMedia
	}
	return data, nil
}

// GetPNForLID implements the adapter's LID resolver.
func (c *Client) GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.LIDs[lid], nil
}

// Sent returns the messages sent so far.
func (c *Client) Sent() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sent(nil), c.sent...)
}

// Reads returns the MarkRead calls so far.
func (c *Client) Reads() []Read {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Read(nil), c.reads...)
}

// Counts returns how often Connect, Disconnect and Download were called.
func (c *Client) Counts() (connects, disconnects, downloads int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connects, c.disconnects, c.downloads
}

// GetQRChannel returns QR (pairing). Like whatsmeow it refuses a paired or
// connected client.
func (c *Client) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.connected:
		return nil, whatsmeow.ErrQRAlreadyConnected
	case !c.unpaired:
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	return c.QR, nil
}

// PairPhone returns a fixed pairing code.
func (c *Client) PairPhone(ctx context.Context, phone string, push bool, ct whatsmeow.PairClientType, name string) (string, error) {
	return "ABCD-EFGH", nil
}
