package whatsapptest

import (
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// PN is a phone-number JID; LID a hidden-user JID.
func PN(number string) types.JID { return types.NewJID(number, types.DefaultUserServer) }

// LID is a hidden-user JID.
func LID(id string) types.JID { return types.NewJID(id, types.HiddenUserServer) }

// Message builds a private-chat message event from sender the way whatsmeow
// does: Chat is the sender without its device, and the raw message is
// unwrapped (ephemeral, view-once, edited...).
func Message(from types.JID, id string, m *waE2E.Message) *events.Message {
	evt := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: from.ToNonAD(), Sender: from},
			ID:            types.MessageID(id),
			Timestamp:     time.Unix(1_790_000_000, 0),
			Type:          "text",
		},
		RawMessage: m,
	}
	return evt.UnwrapRaw()
}

// Text builds a plain text message event.
func Text(from types.JID, id, text string) *events.Message {
	return Message(from, id, &waE2E.Message{Conversation: proto.String(text)})
}
