package telegramtest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Updates builds Telegram-shaped update JSON for one private chat (chat id =
// user id, as Telegram does for private chats).
type Updates struct {
	ChatID int64
	Lang   string // from.language_code
	nextID *int64
}

// NewUpdates returns a builder whose update ids start at firstID.
func NewUpdates(chatID int64, lang string, firstID int64) *Updates {
	id := firstID
	return &Updates{ChatID: chatID, Lang: lang, nextID: &id}
}

// ID takes the next update id.
func (u *Updates) ID() int64 {
	id := *u.nextID
	*u.nextID = id + 1
	return id
}

func (u *Updates) from() map[string]any {
	f := map[string]any{"id": u.ChatID, "is_bot": false, "first_name": "Warga"}
	if u.Lang != "" {
		f["language_code"] = u.Lang
	}
	return f
}

func (u *Updates) chat() map[string]any {
	return map[string]any{"id": u.ChatID, "first_name": "Warga", "type": "private"}
}

func (u *Updates) message(fields map[string]any) []byte {
	m := map[string]any{
		"message_id": int(*u.nextID % 100000),
		"from":       u.from(),
		"chat":       u.chat(),
		"date":       time.Now().Unix(),
	}
	for k, v := range fields {
		m[k] = v
	}
	return mustJSON(map[string]any{"update_id": u.ID(), "message": m})
}

// Text is a typed message (a "/command" gets its bot_command entity).
func (u *Updates) Text(text string) []byte {
	f := map[string]any{"text": text}
	if len(text) > 0 && text[0] == '/' {
		n := len(text)
		for i, r := range text {
			if r == ' ' || r == '\n' {
				n = i
				break
			}
		}
		f["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": n}}
	}
	return u.message(f)
}

// Callback is a press of a button with data on the bot's message messageID,
// whose text was questionText.
func (u *Updates) Callback(messageID int, questionText, data string) []byte {
	id := u.ID()
	return mustJSON(map[string]any{"update_id": id, "callback_query": map[string]any{
		"id":            fmt.Sprintf("cbq%d", id),
		"from":          u.from(),
		"chat_instance": "-1234567890",
		"data":          data,
		"message": map[string]any{
			"message_id": messageID,
			"from":       map[string]any{"id": 123456789, "is_bot": true, "first_name": "Aduan", "username": "aduan_test_bot"},
			"chat":       u.chat(),
			"date":       time.Now().Unix(),
			"text":       questionText,
		},
	}})
}

// QueryID is the callback query id of an update built by Callback ("" for
// any other update).
func QueryID(raw []byte) string {
	var u struct {
		CallbackQuery struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	_ = json.Unmarshal(raw, &u)
	return u.CallbackQuery.ID
}

// Location is a shared pin.
func (u *Updates) Location(lat, lon float64) []byte {
	return u.message(map[string]any{"location": map[string]any{"latitude": lat, "longitude": lon}})
}

// Photo is a photo message whose sizes are fileIDs (ascending).
func (u *Updates) Photo(caption string, fileIDs ...string) []byte {
	var sizes []map[string]any
	for i, id := range fileIDs {
		w := 90 * (i + 1) * (i + 1)
		sizes = append(sizes, map[string]any{"file_id": id, "file_unique_id": "uq" + id, "width": w, "height": w * 3 / 4, "file_size": 1000 * (i + 1)})
	}
	f := map[string]any{"photo": sizes}
	if caption != "" {
		f["caption"] = caption
	}
	return u.message(f)
}

// Document is a file sent as a document (an image sent "as a file" has an
// image/* MIME type); size is the file_size Telegram announces.
func (u *Updates) Document(caption, fileID, mimeType string, size int64) []byte {
	f := map[string]any{"document": map[string]any{"file_id": fileID, "file_unique_id": "uq" + fileID,
		"file_name": "lampiran", "mime_type": mimeType, "file_size": size}}
	if caption != "" {
		f["caption"] = caption
	}
	return u.message(f)
}

// Sticker is a sticker message.
func (u *Updates) Sticker() []byte {
	return u.message(map[string]any{"sticker": map[string]any{"file_id": "CAACAgIAAxkBst", "file_unique_id": "AgADst",
		"type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍"}})
}

// Voice is a voice note.
func (u *Updates) Voice() []byte {
	return u.message(map[string]any{"voice": map[string]any{"file_id": "AwACAgUAAxkBvoice", "file_unique_id": "AgADvo",
		"duration": 4, "mime_type": "audio/ogg", "file_size": 12000}})
}

// Contact is the user's own contact card.
func (u *Updates) Contact(phone string) []byte {
	return u.message(map[string]any{"contact": map[string]any{"phone_number": phone, "first_name": "Warga", "user_id": u.ChatID}})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
