package telegram

import (
	"strconv"
	"strings"
	"time"

	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// Reasons an update is not handed to the handler (also metric labels).
const (
	ignoreEdited  = "edited"    // edited_message: we keep what was first sent
	ignoreGroup   = "group"     // not a private chat: the bot serves private chats
	ignoreMember  = "member"    // my_chat_member (blocked/unblocked): the sender marks 403s
	ignoreService = "service"   // a message with no content for us (service message)
	ignoreUnknown = "unhandled" // an update kind we did not ask for
)

// conversion is an update turned into what the adapter must do with it.
type conversion struct {
	in     bot.Inbound
	ignore string // non-empty: nothing to hand to the handler

	// photo to download before Handle (largest size or an image document).
	photoFileID string
	photoSize   int64

	// callback is set for a pressed inline button.
	callback *callbackInfo
}

// callbackInfo is what the adapter needs to answer a pressed button and to
// edit the question message afterwards.
type callbackInfo struct {
	queryID   string
	chatID    int64
	messageID int    // 0 when the message is inaccessible (too old)
	text      string // the question's text, to append the answer to
	entities  []tgmodels.MessageEntity
}

// Inbound.Unsupported kinds of a photo the adapter could not take (the engine
// has a re-ask for each: reask_<kind> in flows/defaults/messages.yaml; the
// WhatsApp adapter uses the same kinds).
const (
	unsupportedPhotoTooLarge = "photo_too_large" // over MaxPhotoBytes or Telegram's download limit
	unsupportedPhotoType     = "photo_type"      // not a JPEG/PNG the media store accepts
	unsupportedPhotoFailed   = "photo_failed"    // Telegram would not hand the file over
)

// unsupportedKind names content the bot cannot use, in order of precedence
// (an animation also carries a document, so it comes first).
func unsupportedKind(m *tgmodels.Message) string {
	switch {
	case m.Animation != nil:
		return "animation"
	case m.Sticker != nil:
		return "sticker"
	case m.Voice != nil:
		return "voice"
	case m.VideoNote != nil:
		return "video_note"
	case m.Video != nil:
		return "video"
	case m.Audio != nil:
		return "audio"
	case m.Poll != nil:
		return "poll"
	case m.Dice != nil:
		return "dice"
	case m.Document != nil:
		return "document"
	case m.Game != nil:
		return "game"
	case m.Story != nil:
		return "story"
	}
	return ""
}

// convert turns an update into an Inbound (or a reason to ignore it). It is
// pure: no I/O.
func convert(u *tgmodels.Update, now time.Time) conversion {
	var c conversion
	c.in = bot.Inbound{
		Channel:   bot.ChannelTelegram,
		MessageID: "u" + strconv.FormatInt(u.ID, 10),
		Received:  now,
	}
	switch {
	case u.Message != nil:
		convertMessage(&c, u.Message)
	case u.CallbackQuery != nil:
		convertCallback(&c, u.CallbackQuery)
	case u.EditedMessage != nil:
		c.ignore = ignoreEdited
	case u.MyChatMember != nil:
		c.ignore = ignoreMember
	default:
		c.ignore = ignoreUnknown
	}
	return c
}

func convertMessage(c *conversion, m *tgmodels.Message) {
	if m.Chat.Type != tgmodels.ChatTypePrivate || m.From == nil {
		c.ignore = ignoreGroup
		return
	}
	c.in.ChatID = strconv.FormatInt(m.Chat.ID, 10)
	c.in.UserID = strconv.FormatInt(m.From.ID, 10)
	c.in.Lang = langOf(m.From.LanguageCode)

	switch {
	case m.Text != "":
		c.in.Text = normalizeCommand(m.Text)
	case len(m.Photo) > 0:
		largest := m.Photo[len(m.Photo)-1]
		c.photoFileID, c.photoSize = largest.FileID, int64(largest.FileSize)
		c.in.Text = m.Caption
	case m.Document != nil && m.Animation == nil && strings.HasPrefix(m.Document.MimeType, "image/"):
		c.photoFileID, c.photoSize = m.Document.FileID, m.Document.FileSize
		c.in.Text = m.Caption
	case m.Venue != nil:
		c.in.Location = &flows.Location{
			Lat:     m.Venue.Location.Latitude,
			Lon:     m.Venue.Location.Longitude,
			Address: venueAddress(m.Venue),
		}
	case m.Location != nil:
		c.in.Location = &flows.Location{Lat: m.Location.Latitude, Lon: m.Location.Longitude}
	case m.Contact != nil:
		name := strings.TrimSpace(m.Contact.FirstName + " " + m.Contact.LastName)
		c.in.Contact = &flows.Contact{
			Name:  name,
			Phone: m.Contact.PhoneNumber,
			Own:   m.Contact.UserID != 0 && m.Contact.UserID == m.From.ID,
		}
	default:
		if k := unsupportedKind(m); k != "" {
			c.in.Unsupported = k
			return
		}
		c.ignore = ignoreService
	}
}

func convertCallback(c *conversion, q *tgmodels.CallbackQuery) {
	info := &callbackInfo{queryID: q.ID, chatID: q.From.ID}
	chatType := tgmodels.ChatTypePrivate
	switch {
	case q.Message.Message != nil:
		info.chatID = q.Message.Message.Chat.ID
		info.messageID = q.Message.Message.ID
		info.text = q.Message.Message.Text
		info.entities = q.Message.Message.Entities
		chatType = q.Message.Message.Chat.Type
	case q.Message.InaccessibleMessage != nil && q.Message.InaccessibleMessage.Chat.ID != 0:
		info.chatID = q.Message.InaccessibleMessage.Chat.ID
		chatType = q.Message.InaccessibleMessage.Chat.Type
	}
	c.callback = info
	if chatType != "" && chatType != tgmodels.ChatTypePrivate || q.InlineMessageID != "" {
		c.ignore = ignoreGroup
		return
	}
	c.in.ChatID = strconv.FormatInt(info.chatID, 10)
	c.in.UserID = strconv.FormatInt(q.From.ID, 10)
	c.in.Lang = langOf(q.From.LanguageCode)
	c.in.Choice = q.Data
}

// normalizeCommand turns "/start@aduan_bot payload" into "/start payload";
// any other text is returned byte-exact.
func normalizeCommand(text string) string {
	if !strings.HasPrefix(text, "/") {
		return text
	}
	end := strings.IndexAny(text, " \n\t")
	if end < 0 {
		end = len(text)
	}
	cmd := text[:end]
	if at := strings.IndexByte(cmd, '@'); at > 1 {
		return cmd[:at] + text[end:]
	}
	return text
}

// langOf maps Telegram's IETF language tag to the product's languages.
func langOf(code string) string {
	base, _, _ := strings.Cut(strings.ToLower(code), "-")
	switch base {
	case flows.LangID, "in": // "in" is the old ISO code for Indonesian
		return flows.LangID
	case flows.LangEN:
		return flows.LangEN
	}
	return ""
}

func venueAddress(v *tgmodels.Venue) string {
	title, addr := strings.TrimSpace(v.Title), strings.TrimSpace(v.Address)
	switch {
	case title == "" || strings.Contains(addr, title):
		return addr
	case addr == "":
		return title
	}
	return title + ", " + addr
}
