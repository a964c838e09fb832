// Package telegramtest is a fake Telegram Bot API server for tests: the wire
// format of the real one (POST /bot<token>/<method> with multipart/form-data,
// urlencoded or JSON bodies; {"ok":...} envelopes; file downloads under
// /file/bot<token>/), a record of every call, failures injected on demand,
// and long-poll getUpdates that drops only confirmed updates.
package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	tgmodels "github.com/go-telegram/bot/models"
)

// Token is the bot token the fake accepts.
const Token = "123456789:AAFakeTokenForTests_abcdefghijklmnop"

// Call is one recorded Bot API call.
type Call struct {
	Method string
	Form   map[string]string // first value of each field, raw as sent
	At     time.Time
	Status int // HTTP status of the answer; 0 while the call is in flight
}

// Failure is an error answer injected for a method.
type Failure struct {
	Code        int    // error_code and HTTP status
	Description string // e.g. "Forbidden: bot was blocked by the user"
	RetryAfter  int    // seconds, for 429
}

// Common failures, worded as Telegram words them.
var (
	Blocked    = Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}
	BadRequest = Failure{Code: 400, Description: "Bad Request: can't parse entities"}
	Internal   = Failure{Code: 500, Description: "Internal Server Error"}
)

// TooManyRequests is a 429 asking to wait s seconds.
func TooManyRequests(s int) Failure {
	return Failure{Code: 429, Description: "Too Many Requests: retry after " + strconv.Itoa(s), RetryAfter: s}
}

type injected struct {
	method, chatID string // chatID "" = any chat
	f              Failure
	skip           int // matching calls that succeed first
	times          int // < 0: forever
}

type message struct {
	text   string
	markup string
}

// Server is the fake. Create it with New; it is closed by t.Cleanup.
type Server struct {
	*httptest.Server
	Token string

	mu        sync.Mutex
	calls     []Call
	failures  []*injected
	files     map[string]fileEntry // file_id -> file
	messages  map[string]message   // chat_id/message_id -> message
	order     map[string][]int     // chat_id -> message ids, in order
	nextMsgID int
	updates   []json.RawMessage // queued, ordered by update_id
	updateIDs []int64
	confirmed int64 // highest offset received: updates below it are gone
	notify    chan struct{}
	callSig   chan struct{}
}

type fileEntry struct {
	path string
	data []byte
}

// New starts a fake Bot API server.
func New(t testing.TB) *Server {
	s := &Server{
		Token:     Token,
		files:     map[string]fileEntry{},
		messages:  map[string]message{},
		order:     map[string][]int{},
		nextMsgID: 100,
		notify:    make(chan struct{}),
		callSig:   make(chan struct{}),
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

// Fail makes the next n calls of method (for chatID, or any chat when "")
// fail with f; n < 0 fails forever.
func (s *Server) Fail(method, chatID string, f Failure, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &injected{method: method, chatID: chatID, f: f, times: n})
}

// FailAfter is Fail, but the first skip matching calls succeed.
func (s *Server) FailAfter(method, chatID string, skip int, f Failure, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &injected{method: method, chatID: chatID, f: f, skip: skip, times: n})
}

// ClearFailures removes every injected failure.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = nil
}

// AddFile serves data as a file: getFile(fileID) answers filePath, and
// GET /file/bot<token>/<filePath> returns data.
func (s *Server) AddFile(fileID, filePath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = fileEntry{path: filePath, data: data}
}

// Calls returns every call so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsOf returns the calls of one method (and one chat, unless chatID is "").
func (s *Server) CallsOf(method, chatID string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method && (chatID == "" || c.Form["chat_id"] == chatID) {
			out = append(out, c)
		}
	}
	return out
}

// Texts returns the texts delivered to a chat with sendMessage (answered
// 200), in order.
func (s *Server) Texts(chatID string) []string {
	var out []string
	for _, c := range s.CallsOf("sendMessage", chatID) {
		if c.Status == http.StatusOK {
			out = append(out, c.Form["text"])
		}
	}
	return out
}

// Message is a message the bot sent, as it stands now (after edits).
type Message struct {
	ID     int
	Text   string
	Markup string // reply_markup JSON, "" when none
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// Buttons returns the inline keyboard buttons of m, row by row flattened.
func (m Message) Buttons() []Button {
	var k struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	_ = json.Unmarshal([]byte(m.Markup), &k)
	var out []Button
	for _, row := range k.InlineKeyboard {
		out = append(out, row...)
	}
	return out
}

// Messages returns the messages sent to a chat, oldest first.
func (s *Server) Messages(chatID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.order[chatID] {
		m := s.messages[chatID+"/"+strconv.Itoa(id)]
		out = append(out, Message{ID: id, Text: m.text, Markup: m.markup})
	}
	return out
}

// WaitFor waits until cond holds on the calls, or fails the test.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, what string, cond func(calls []Call) bool) []Call {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		calls := append([]Call(nil), s.calls...)
		sig := s.callSig
		s.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-sig:
		case <-deadline:
			t.Fatalf("telegramtest: timed out after %s waiting for %s (%d calls)", timeout, what, len(calls))
		}
	}
}

// PushUpdate queues an update for getUpdates. u is a models.Update, or raw
// JSON ([]byte, string, json.RawMessage) with an update_id.
func (s *Server) PushUpdate(u any) {
	raw := toJSON(u)
	var id struct {
		ID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		panic(fmt.Sprintf("telegramtest: update without update_id: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, raw)
	s.updateIDs = append(s.updateIDs, id.ID)
	s.wake()
}

// Pending returns the ids of the updates not yet confirmed by an offset.
func (s *Server) Pending() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.updateIDs...)
}

// Confirmed returns the highest offset a getUpdates call sent.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// wake signals waiting long polls; s.mu held.
func (s *Server) wake() {
	close(s.notify)
	s.notify = make(chan struct{})
}

func toJSON(u any) json.RawMessage {
	switch v := u.(type) {
	case []byte:
		return json.RawMessage(v)
	case string:
		return json.RawMessage(v)
	case json.RawMessage:
		return v
	}
	b, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal update: %v", err))
	}
	return b
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if p, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.Token+"/"); ok {
		s.serveFile(w, r, p)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+s.Token+"/")
	if !ok {
		writeError(w, Failure{Code: 401, Description: "Unauthorized"})
		return
	}
	form, err := parseForm(r)
	if err != nil {
		writeError(w, Failure{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	call := Call{Method: method, Form: form, At: time.Now()}
	s.mu.Lock()
	idx := len(s.calls)
	s.calls = append(s.calls, call)
	s.signal()
	f, failed := s.takeFailure(method, form["chat_id"])
	s.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	if failed {
		writeError(sw, f)
	} else {
		s.dispatch(sw, r, method, form)
	}
	s.mu.Lock()
	s.calls[idx].Status = sw.status
	s.signal()
	s.mu.Unlock()
}

// signal wakes WaitFor; s.mu held.
func (s *Server) signal() {
	close(s.callSig)
	s.callSig = make(chan struct{})
}

// statusWriter remembers the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// takeFailure consumes an injected failure; s.mu held.
func (s *Server) takeFailure(method, chatID string) (Failure, bool) {
	for i, in := range s.failures {
		if in.method != method || in.chatID != "" && in.chatID != chatID {
			continue
		}
		if in.skip > 0 {
			in.skip--
			continue
		}
		if in.times > 0 {
			in.times--
			if in.times == 0 {
				s.failures = append(s.failures[:i], s.failures[i+1:]...)
			}
		}
		return in.f, true
	}
	return Failure{}, false
}

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
		if form["callback_query_id"] == "" {
			writeError(w, Failure{Code: 400, Description: "Bad Request: query is too old and response timeout expired or query ID is invalid"})
			return
		}
		writeOK(w, true)
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

// getUpdates emulates long polling: updates with id >= offset, waiting up to
// timeout seconds for one. Only updates below the offset are dropped.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, form map[string]string) {
	offset, _ := strconv.ParseInt(form["offset"], 10, 64)
	timeout, _ := strconv.Atoi(form["timeout"])
	limit, _ := strconv.Atoi(form["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if offset > s.confirmed {
			s.confirmed = offset
		}
		keepU, keepID := s.updates[:0:0], s.updateIDs[:0:0]
		var out []json.RawMessage
		for i, id := range s.updateIDs {
			if offset > 0 && id < offset {
				continue // confirmed: gone for good
			}
			keepU, keepID = append(keepU, s.updates[i]), append(keepID, id)
			if len(out) < limit {
				out = append(out, s.updates[i])
			}
		}
		s.updates, s.updateIDs = keepU, keepID
		wait := s.notify
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			if out == nil {
				out = []json.RawMessage{}
			}
			writeOK(w, out)
			return
		}
		select {
		case <-wait:
		case <-deadline:
			writeOK(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// parseForm reads multipart, urlencoded or JSON bodies (and the query), like
// the Bot API.
func parseForm(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, fmt.Errorf("can't parse JSON body")
		}
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				out[k] = str
			} else {
				out[k] = string(v)
			}
		}
	case "multipart/form-data":
		// go-telegram/bot sends an empty body (no closing boundary) for
		// methods without parameters; Telegram accepts it.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, fmt.Errorf("can't read body")
		}
		if len(body) == 0 {
			break
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, fmt.Errorf("can't parse multipart body")
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("can't parse form")
		}
	}
	for k, v := range r.Form {
		if _, ok := out[k]; !ok && len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out, nil
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, f Failure) {
	body := map[string]any{"ok": false, "error_code": f.Code, "description": f.Description}
	if f.RetryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Code)
	_ = json.NewEncoder(w).Encode(body)
}
