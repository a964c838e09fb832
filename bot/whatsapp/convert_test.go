package whatsapp_test

import (
	"reflect"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/whatsapp"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
	"github.com/aduan-id/aduan/flows"
)

const (
	number  = "6281234567890"
	chatPN  = number + "@s.whatsapp.net"
	lidUser = "123456789012345"
)

var (
	pn         = whatsapptest.PN(number)
	pnDevice   = types.JID{User: number, Server: types.DefaultUserServer, Device: 3}
	lid        = whatsapptest.LID(lidUser)
	vcardSelf  = "BEGIN:VCARD\nVERSION:3.0\nN:;Budi;;;\nFN:Budi Santoso\nitem1.TEL;waid=" + number + ":+62 812-3456-7890\nitem1.X-ABLabel:Ponsel\nEND:VCARD"
	vcardOther = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Siti\r\nTEL;type=CELL;type=VOICE;waid=6285700000001:+62 857-0000-0001\r\nEND:VCARD"
)

func TestFromEvent(t *testing.T) {
	base := bot.Inbound{Channel: bot.ChannelWhatsApp, ChatID: chatPN, UserID: chatPN, MessageID: "3EB0A1"}
	with := func(f func(*bot.Inbound)) bot.Inbound { in := base; f(&in); return in }
	group := whatsapptest.Text(pn, "3EB0A1", "halo")
	group.Info.Chat, group.Info.IsGroup = types.NewJID("120363000000000000", types.GroupServer), true
	status := whatsapptest.Text(pn, "3EB0A1", "status")
	status.Info.Chat = types.StatusBroadcastJID
	own := whatsapptest.Text(pn, "3EB0A1", "dari saya")
	own.Info.IsFromMe = true
	newsletter := whatsapptest.Text(pn, "3EB0A1", "berita")
	newsletter.Info.Chat = types.NewJID("120363000000000001", types.NewsletterServer)
	list := whatsapptest.Text(pn, "3EB0A1", "siaran")
	list.Info.Chat = types.NewJID("1700000000", types.BroadcastServer)
	lidAlt := whatsapptest.Text(lid, "3EB0A1", "halo")
	lidAlt.Info.SenderAlt = pnDevice
	lidOnly := whatsapptest.Text(lid, "3EB0A1", "halo")
	edit := whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), EditedMessage: &waE2E.Message{Conversation: proto.String("x")}}}}})

	tests := []struct {
		name string
		evt  *events.Message
		want bot.Inbound
		ok   bool
	}{
		{"conversation", whatsapptest.Text(pn, "3EB0A1", "Jalan rusak 🚧\r\ndi Waru"), with(func(in *bot.Inbound) { in.Text = "Jalan rusak 🚧\r\ndi Waru" }), true},
		{"device sender replies to the chat", whatsapptest.Text(pnDevice, "3EB0A1", "1"), with(func(in *bot.Inbound) { in.Text = "1" }), true},
		{"extended text", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("lihat https://x.id")}}),
			with(func(in *bot.Inbound) { in.Text = "lihat https://x.id" }), true},
		{"ephemeral wrapped", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("satu")}}}),
			with(func(in *bot.Inbound) { in.Text = "satu" }), true},
		{"buttons response", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ButtonsResponseMessage: &waE2E.ButtonsResponseMessage{SelectedButtonID: proto.String("roads")}}),
			with(func(in *bot.Inbound) { in.Text = "roads" }), true},
		{"list response", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ListResponseMessage: &waE2E.ListResponseMessage{SingleSelectReply: &waE2E.ListResponseMessage_SingleSelectReply{SelectedRowID: proto.String("waru")}}}),
			with(func(in *bot.Inbound) { in.Text = "waru" }), true},
		{"location", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-7.4478), DegreesLongitude: proto.Float64(112.7183), Name: proto.String("Alun-alun Sidoarjo"), Address: proto.String("Jl. Sultan Agung")}}),
			with(func(in *bot.Inbound) {
				in.Location = &flows.Location{Lat: -7.4478, Lon: 112.7183, Address: "Alun-alun Sidoarjo, Jl. Sultan Agung"}
			}), true},
		{"live location declined", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{LiveLocationMessage: &waE2E.LiveLocationMessage{DegreesLatitude: proto.Float64(-7.4), DegreesLongitude: proto.Float64(112.7)}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedLiveLocation }), true},
		{"image to download", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(2048), Caption: proto.String("lubang")}}),
			with(func(in *bot.Inbound) {
				in.Photos = []flows.Photo{{ContentType: "image/jpeg", Size: 2048}}
				in.Text = "lubang"
			}), true},
		{"image sent as document", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Mimetype: proto.String("image/png"), FileLength: proto.Uint64(99)}}),
			with(func(in *bot.Inbound) { in.Photos = []flows.Photo{{ContentType: "image/png", Size: 99}} }), true},
		{"pdf document", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Mimetype: proto.String("application/pdf")}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedDocument }), true},
		{"own contact card", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Budi"), Vcard: proto.String(vcardSelf)}}),
			with(func(in *bot.Inbound) { in.Contact = &flows.Contact{Name: "Budi", Phone: "+6281234567890", Own: true} }), true},
		{"someone else's card", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{Vcard: proto.String(vcardOther)}}),
			with(func(in *bot.Inbound) { in.Contact = &flows.Contact{Name: "Siti", Phone: "+6285700000001"} }), true},
		{"voice note", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true)}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedVoice }), true},
		{"audio file", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedAudio }), true},
		{"sticker", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedSticker }), true},
		{"video", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{}}),
			with(func(in *bot.Inbound) { in.Unsupported = whatsapp.UnsupportedVideo }), true},
		{"LID with phone number alt", lidAlt, with(func(in *bot.Inbound) { in.Text = "halo" }), true},
		{"LID only kept", lidOnly, with(func(in *bot.Inbound) {
			in.Text, in.ChatID, in.UserID = "halo", lidUser+"@lid", lidUser+"@lid"
		}), true},
		{"group ignored", group, bot.Inbound{}, false},
		{"status broadcast ignored", status, bot.Inbound{}, false},
		{"own message ignored", own, bot.Inbound{}, false},
		{"newsletter ignored", newsletter, bot.Inbound{}, false},
		{"broadcast list ignored", list, bot.Inbound{}, false},
		{"edit ignored", edit, bot.Inbound{}, false},
		{"reaction ignored", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}), bot.Inbound{}, false},
		{"protocol message ignored", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum()}}), bot.Inbound{}, false},
		{"empty message ignored", whatsapptest.Message(pn, "3EB0A1", &waE2E.Message{}), bot.Inbound{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := whatsapp.FromEvent(tt.evt)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			tt.want.Received = tt.evt.Info.Timestamp
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// The same message may arrive addressed to the phone number and to the LID:
// both give one chat key, so the dispatcher's dedup (message id within the
// chat) processes it once.
func TestFromEventLIDAndPhoneGiveOneChat(t *testing.T) {
	byPN := whatsapptest.Text(pnDevice, "3EB0DUP", "halo")
	byLID := whatsapptest.Text(types.JID{User: lidUser, Server: types.HiddenUserServer, Device: 3}, "3EB0DUP", "halo")
	byLID.Info.SenderAlt = pnDevice
	byLID.Info.AddressingMode = types.AddressingModeLID
	a, ok1 := whatsapp.FromEvent(byPN)
	b, ok2 := whatsapp.FromEvent(byLID)
	if !ok1 || !ok2 {
		t.Fatalf("not converted: %v %v", ok1, ok2)
	}
	if a.ChatID != b.ChatID || a.MessageID != b.MessageID || a.ChatID != chatPN {
		t.Fatalf("chat/message differ: %q/%q vs %q/%q", a.ChatID, a.MessageID, b.ChatID, b.MessageID)
	}
}
