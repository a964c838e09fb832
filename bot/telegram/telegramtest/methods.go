package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgmodels "github.com/go-telegram/bot/models"
)

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, method string, form map[string]string) {
	switch method {
	case "getMe":
		writeOK(w, tgmodels.User{ID: 123456789, IsBot: true, FirstName: "Aduan", Username: "aduan_test_bot"})
	case "setWebhook":
		if form["url"] == "" {
			writeError(w, Failure{Code: 400, Description: "Bad Request: bad webhook: URL must not be empty"})
			return
		}
		writeOK(w, true)
	case "deleteWebhook", "sendChatAction":
		writeOK(w, true)
	case "setMyCommands":
		var cmds []tgmodels.BotCommand
		if err := json.Unmarshal([]byte(form["commands"]), &cmds); err != nil || len(cmds) == 0 {
			writeError(w, Failure{Code: 400, Description: "Bad Request: can't parse commands JSON object"})
			return
		}
		writeOK(w, true)
	case "answerCallbackQuery":
		s.answerCallbackQuery(w, form)
	case "sendMessage":
		s.sendMessage(w, form)
	case "editMessageText", "editMessageReplyMarkup":
		s.editMessage(w, method, form)
	case "getFile":
		s.mu.Lock()
		f, ok := s.files[form["file_id"]]
		s.mu.Unlock()
		if !ok {
			writeError(w, Failure{Code: 400, Description: "Bad Request: invalid file_id"})
			return
		}
		writeOK(w, tgmodels.File{FileID: form["file_id"], FileUniqueID: "uq" + form["file_id"], FileSize: int64(len(f.data)), FilePath: f.path})
	case "getUpdates":
		s.getUpdates(w, r, form)
	default:
		writeError(w, Failure{Code: 404, Description: "Not Found"})
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, form map[string]string) {
	chatID, err := strconv.ParseInt(form["chat_id"], 10, 64)
	if err != nil {
		writeError(w, Failure{Code: 400, Description: "Bad Request: chat not found"})
		return
	}
	text := form["text"]
	if strings.TrimSpace(text) == "" {
		writeError(w, Failure{Code: 400, Description: "Bad Request: message text is empty"})
		return
	}
	if n := len(utf16.Encode([]rune(text))); n > 4096 {
		writeError(w, Failure{Code: 400, Description: "Bad Request: message is too long"})
		return
	}
	if err := checkMarkup(form["reply_markup"]); err != nil {
		writeError(w, Failure{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	if err := checkEntities(form["entities"], text); err != nil {
		writeError(w, Failure{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.nextMsgID++
	id := s.nextMsgID
	s.messages[form["chat_id"]+"/"+strconv.Itoa(id)] = message{text: text, markup: form["reply_markup"]}
	s.order[form["chat_id"]] = append(s.order[form["chat_id"]], id)
	s.mu.Unlock()
	writeOK(w, tgmodels.Message{ID: id, Date: int(time.Now().Unix()), Chat: tgmodels.Chat{ID: chatID, Type: tgmodels.ChatTypePrivate}, Text: text})
}

func (s *Server) editMessage(w http.ResponseWriter, method string, form map[string]string) {
	key := form["chat_id"] + "/" + form["message_id"]
	if err := checkMarkup(form["reply_markup"]); err != nil {
		writeError(w, Failure{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	m, ok := s.messages[key]
	if !ok {
		s.mu.Unlock()
		writeError(w, Failure{Code: 400, Description: "Bad Request: message to edit not found"})
		return
	}
	next := m
	next.markup = form["reply_markup"]
	if method == "editMessageText" {
		next.text = form["text"]
		if err := checkEntities(form["entities"], next.text); err != nil {
			s.mu.Unlock()
			writeError(w, Failure{Code: 400, Description: "Bad Request: " + err.Error()})
			return
		}
	}
	if next == m {
		s.mu.Unlock()
		writeError(w, Failure{Code: 400, Description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})
		return
	}
	s.messages[key] = next
	s.mu.Unlock()
	chatID, _ := strconv.ParseInt(form["chat_id"], 10, 64)
	id, _ := strconv.Atoi(form["message_id"])
	writeOK(w, tgmodels.Message{ID: id, Date: int(time.Now().Unix()), Chat: tgmodels.Chat{ID: chatID, Type: tgmodels.ChatTypePrivate}, Text: next.text})
}

// checkMarkup validates reply_markup like Telegram does in the parts that
// matter here: valid JSON, callback_data 1-64 bytes. copy_text {"text":""}
// (sent by go-telegram/bot on every inline button) is tolerated.
func checkMarkup(raw string) error {
	if raw == "" {
		return nil
	}
	var m struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
		Keyboard       [][]json.RawMessage `json:"keyboard"`
		RemoveKeyboard bool                `json:"remove_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return fmt.Errorf("BUTTON_TEXT_EMPTY")
			}
			if n := len(b.CallbackData); n == 0 || n > 64 {
				return fmt.Errorf("BUTTON_DATA_INVALID")
			}
		}
	}
	return nil
}

// checkEntities checks that message entities lie inside the text (offsets
// and lengths in UTF-16 code units, as Telegram counts them).
func checkEntities(raw, text string) error {
	if raw == "" {
		return nil
	}
	var ents []tgmodels.MessageEntity
	if err := json.Unmarshal([]byte(raw), &ents); err != nil {
		return fmt.Errorf("can't parse entities JSON object")
	}
	n := len(utf16.Encode([]rune(text)))
	for _, e := range ents {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > n {
			return fmt.Errorf("entity beginning at UTF-16 offset %d is out of the text", e.Offset)
		}
	}
	return nil
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, path string) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			data, found = f.data, true
		}
	}
	s.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
