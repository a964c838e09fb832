package whatsapp

import (
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// Kinds of content the bot cannot use, in Inbound.Unsupported. The engine
// asks the citizen to type or to send a photo instead.
const (
	UnsupportedVoice        = "voice"
	UnsupportedAudio        = "audio"
	UnsupportedSticker      = "sticker"
	UnsupportedVideo        = "video"
	UnsupportedDocument     = "document"
	UnsupportedLiveLocation = "live_location"
	UnsupportedPoll         = "poll"
	// Photo problems found by the adapter: too large (checked before the
	// download), not an accepted image, or the download failed.
	UnsupportedPhotoTooLarge = "photo_too_large"
	UnsupportedPhotoType     = "photo_type"
	UnsupportedPhotoFailed   = "photo_failed"
)

// FromEvent converts a WhatsApp message event to a bot.Inbound. It returns
// false for what the bot must not answer: groups, status updates, newsletters,
// broadcast lists, our own messages, edits, and protocol messages (reactions,
// revokes, key distribution...). An image (or an image sent as a document)
// comes back as one Photo with an empty Ref and the size WhatsApp announced:
// the adapter downloads it. The chat is normalised to the phone-number JID
// when the event carries it (SenderAlt); a LID is kept otherwise.
func FromEvent(evt *events.Message) (bot.Inbound, bool) {
	if evt == nil || evt.Message == nil {
		return bot.Inbound{}, false
	}
	info := evt.Info
	if info.IsFromMe || info.IsGroup || evt.IsEdit {
		return bot.Inbound{}, false
	}
	chat := ChatKey(info.MessageSource)
	if chat.IsEmpty() {
		return bot.Inbound{}, false
	}
	in := bot.Inbound{
		Channel:   bot.ChannelWhatsApp,
		ChatID:    chat.String(),
		UserID:    chat.String(),
		MessageID: string(info.ID),
		Received:  info.Timestamp,
	}
	waid, ok := content(evt.Message, &in)
	if !ok {
		return bot.Inbound{}, false
	}
	if in.Contact != nil && waid != "" && chat.Server == types.DefaultUserServer && waid == chat.User {
		in.Contact.Own = true
	}
	return in, true
}

// ChatKey is the one key of a private chat: the non-AD phone-number JID when
// known (the chat itself, or its SenderAlt), else the LID. It is empty for
// anything but a private chat with a person.
func ChatKey(src types.MessageSource) types.JID {
	chat := src.Chat.ToNonAD()
	switch chat.Server {
	case types.DefaultUserServer:
		return chat
	case types.HiddenUserServer:
		if alt := src.SenderAlt.ToNonAD(); alt.Server == types.DefaultUserServer {
			return alt
		}
		return chat
	}
	// groups, broadcast lists and status (broadcast), newsletters, bots...
	return types.JID{}
}

// content fills in from m; false for a message with nothing a citizen typed
// or sent on purpose. waid is the WhatsApp number of a shared contact card.
func content(m *waE2E.Message, in *bot.Inbound) (waid string, ok bool) {
	switch {
	case m.GetProtocolMessage() != nil, m.GetReactionMessage() != nil, m.GetPollUpdateMessage() != nil,
		m.GetKeepInChatMessage() != nil, m.GetPinInChatMessage() != nil, m.GetEncReactionMessage() != nil:
		return "", false
	case m.Conversation != nil:
		in.Text = m.GetConversation()
	case m.ExtendedTextMessage != nil:
		in.Text = m.GetExtendedTextMessage().GetText()
	case m.ButtonsResponseMessage != nil:
		in.Text = firstNonEmpty(m.GetButtonsResponseMessage().GetSelectedButtonID(),
			m.GetButtonsResponseMessage().GetSelectedDisplayText())
	case m.ListResponseMessage != nil:
		in.Text = firstNonEmpty(m.GetListResponseMessage().GetSingleSelectReply().GetSelectedRowID(),
			m.GetListResponseMessage().GetTitle())
	case m.TemplateButtonReplyMessage != nil:
		in.Text = firstNonEmpty(m.GetTemplateButtonReplyMessage().GetSelectedID(),
			m.GetTemplateButtonReplyMessage().GetSelectedDisplayText())
	case m.LocationMessage != nil:
		l := m.GetLocationMessage()
		in.Location = &flows.Location{Lat: l.GetDegreesLatitude(), Lon: l.GetDegreesLongitude(),
			Address: joinNonEmpty(", ", l.GetName(), l.GetAddress())}
	case m.LiveLocationMessage != nil:
		in.Unsupported = UnsupportedLiveLocation
	case m.ImageMessage != nil:
		img := m.GetImageMessage()
		in.Photos = []flows.Photo{{ContentType: img.GetMimetype(), Size: int64(img.GetFileLength())}}
		in.Text = img.GetCaption()
	case m.ContactMessage != nil:
		in.Contact, waid = contactOf(m.GetContactMessage())
	case m.ContactsArrayMessage != nil && len(m.GetContactsArrayMessage().GetContacts()) > 0:
		in.Contact, waid = contactOf(m.GetContactsArrayMessage().GetContacts()[0])
	case m.AudioMessage != nil:
		in.Unsupported = UnsupportedAudio
		if m.GetAudioMessage().GetPTT() {
			in.Unsupported = UnsupportedVoice
		}
	case m.StickerMessage != nil, m.LottieStickerMessage != nil:
		in.Unsupported = UnsupportedSticker
	case m.VideoMessage != nil, m.PtvMessage != nil:
		in.Unsupported = UnsupportedVideo
	case m.DocumentMessage != nil:
		doc := m.GetDocumentMessage()
		if strings.HasPrefix(doc.GetMimetype(), "image/") {
			in.Photos = []flows.Photo{{ContentType: doc.GetMimetype(), Size: int64(doc.GetFileLength())}}
			in.Text = doc.GetCaption()
		} else {
			in.Unsupported = UnsupportedDocument
		}
	case m.PollCreationMessage != nil, m.PollCreationMessageV2 != nil, m.PollCreationMessageV3 != nil:
		in.Unsupported = UnsupportedPoll
	default:
		return "", false
	}
	return waid, true
}

// downloadable returns the media of m the adapter must download, if any.
func downloadable(m *waE2E.Message) (media whatsmeow.DownloadableMessage, size uint64, ok bool) {
	if img := m.GetImageMessage(); img != nil {
		return img, img.GetFileLength(), true
	}
	if doc := m.GetDocumentMessage(); doc != nil && strings.HasPrefix(doc.GetMimetype(), "image/") {
		return doc, doc.GetFileLength(), true
	}
	return nil, 0, false
}

func contactOf(c *waE2E.ContactMessage) (*flows.Contact, string) {
	card := parseVCard(c.GetVcard())
	name := firstNonEmpty(c.GetDisplayName(), card.name)
	return &flows.Contact{Name: name, Phone: card.phone}, card.waid
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinNonEmpty(sep string, s ...string) string {
	var parts []string
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, sep)
}
