package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

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
