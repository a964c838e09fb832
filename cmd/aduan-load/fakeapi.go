package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// fakeAPI is a minimal Telegram Bot API: POST /bot<token>/<method> with
// multipart/form-data, urlencoded or JSON bodies, answered in Telegram's
// envelope ({"ok":true,"result":...} or {"ok":false,"error_code":...}). It
// accepts any token and records when each sendMessage arrived, per chat.
type fakeAPI struct {
	latency time.Duration // added to every answer (a real Bot API takes tens of ms)
	marker  string        // a sendMessage text containing it finishes a conversation

	mu        sync.Mutex
	nextMsgID int
	methods   map[string]int         // calls per method (failed ones too)
	sent      map[string][]time.Time // chat_id -> sendMessage arrivals
	finished  map[string]time.Time   // chat_id -> first sendMessage containing marker
	first     time.Time              // first sendMessage
	last      time.Time              // last sendMessage
	bad       int                    // calls answered with an error
	hooked    bool                   // a setWebhook succeeded
}

func newFakeAPI(marker string, latency time.Duration) *fakeAPI {
	return &fakeAPI{latency: latency, marker: marker, nextMsgID: 1000,
		methods: map[string]int{}, sent: map[string][]time.Time{}, finished: map[string]time.Time{}}
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	slash := strings.IndexByte(rest, '/')
	if !ok || slash <= 0 {
		f.fail(w, 404, "Not Found")
		return
	}
	method := rest[slash+1:]
	form, err := telegramtest.ParseForm(r)
	if err != nil {
		f.fail(w, 400, "Bad Request: "+err.Error())
		return
	}
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	f.mu.Lock()
	f.methods[method]++
	f.mu.Unlock()
	switch method {
	case "getMe":
		writeOK(w, map[string]any{"id": 123, "is_bot": true, "first_name": "Aduan", "username": "aduan_load_bot",
			"can_join_groups": false, "can_read_all_group_messages": false, "supports_inline_queries": false})
	case "setWebhook":
		if form["url"] == "" {
			f.fail(w, 400, "Bad Request: bad webhook: URL must not be empty")
			return
		}
		f.mu.Lock()
		f.hooked = true
		f.mu.Unlock()
		writeOK(w, true)
	case "deleteWebhook", "setMyCommands", "sendChatAction":
		writeOK(w, true)
	case "answerCallbackQuery":
		if form["callback_query_id"] == "" {
			f.fail(w, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
			return
		}
		writeOK(w, true)
	case "sendMessage":
		f.sendMessage(w, form, at)
	case "editMessageText", "editMessageReplyMarkup":
		chatID, _ := strconv.ParseInt(form["chat_id"], 10, 64)
		id, _ := strconv.Atoi(form["message_id"])
		writeOK(w, message(id, chatID, form["text"]))
	default:
		f.fail(w, 404, "Not Found: method "+method)
	}
}

func (f *fakeAPI) sendMessage(w http.ResponseWriter, form map[string]string, at time.Time) {
	chat := form["chat_id"]
	chatID, err := strconv.ParseInt(chat, 10, 64)
	if err != nil {
		f.fail(w, 400, "Bad Request: chat not found")
		return
	}
	text := form["text"]
	if strings.TrimSpace(text) == "" {
		f.fail(w, 400, "Bad Request: message text is empty")
		return
	}
	f.mu.Lock()
	f.nextMsgID++
	id := f.nextMsgID
	f.sent[chat] = append(f.sent[chat], at)
	if f.first.IsZero() {
		f.first = at
	}
	if at.After(f.last) {
		f.last = at
	}
	if _, done := f.finished[chat]; !done && f.marker != "" && strings.Contains(text, f.marker) {
		f.finished[chat] = at
	}
	f.mu.Unlock()
	writeOK(w, message(id, chatID, text))
}

func (f *fakeAPI) fail(w http.ResponseWriter, code int, desc string) {
	f.mu.Lock()
	f.bad++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}

// replyStats is a snapshot of what the fake received.
type replyStats struct {
	total, bad       int
	chats, finished  int
	first, last      time.Time
	methods          map[string]int
	perChat          []int // sendMessage count of each chat that got one
	peak1s           int   // most sendMessage in any 1 s, all chats
	peakChat1s       int   // most sendMessage to one chat in any 1 s
	finishedByChatID map[string]time.Time
}

func (f *fakeAPI) snapshot() replyStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := replyStats{bad: f.bad, chats: len(f.sent), finished: len(f.finished), first: f.first, last: f.last,
		methods: map[string]int{}, finishedByChatID: map[string]time.Time{}}
	for m, n := range f.methods {
		s.methods[m] = n
	}
	var all []time.Time
	for _, ts := range f.sent {
		s.total += len(ts)
		s.perChat = append(s.perChat, len(ts))
		s.peakChat1s = max(s.peakChat1s, peakInWindow(ts, time.Second))
		all = append(all, ts...)
	}
	s.peak1s = peakInWindow(all, time.Second)
	for c, t := range f.finished {
		s.finishedByChatID[c] = t
	}
	return s
}

// webhookSet reports whether aduan registered its webhook.
func (f *fakeAPI) webhookSet() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hooked
}

func (f *fakeAPI) lastReply() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeAPI) finishedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.finished)
}

func message(id int, chatID int64, text string) map[string]any {
	return map[string]any{"message_id": id, "date": time.Now().Unix(),
		"chat": map[string]any{"id": chatID, "type": "private"}, "text": text}
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}
