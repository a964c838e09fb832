package telegramtest

import (
	"encoding/json"
	"net/http"
	"time"
)

// DefaultCallbackTimeout is how long after a button press the fake accepts
// its answerCallbackQuery. Telegram does not document the limit; answers
// later than about 10-15 s are refused in practice.
const DefaultCallbackTimeout = 15 * time.Second

// QueryTooOld is Telegram's answer to a second answerCallbackQuery of a query,
// to one past its time limit, and to an unknown query id.
var QueryTooOld = Failure{Code: 400, Description: "Bad Request: query is too old and response timeout expired or query ID is invalid"}

// callbackQuery is what the fake knows of a pressed button.
type callbackQuery struct {
	pressed  time.Time // when the update carrying it was queued (or first answered)
	answered bool
}

// SetCallbackTimeout changes how long a callback query may be answered
// (DefaultCallbackTimeout unless set).
func (s *Server) SetCallbackTimeout(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbackTimeout = d
}

// noteCallback remembers the press time of a callback query carried by raw
// update JSON; s.mu held.
func (s *Server) noteCallback(raw json.RawMessage, now time.Time) {
	var u struct {
		CallbackQuery *struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	if json.Unmarshal(raw, &u) != nil || u.CallbackQuery == nil || u.CallbackQuery.ID == "" {
		return
	}
	if _, ok := s.callbacks[u.CallbackQuery.ID]; !ok {
		s.callbacks[u.CallbackQuery.ID] = &callbackQuery{pressed: now}
	}
}

// answerCallbackQuery answers like Telegram: a query may be answered once,
// within its time limit; anything else is QueryTooOld. The fake learns a
// query's press time from PushUpdate (polling); a query it never saw (an
// update posted straight to a webhook) counts as pressed when first
// answered.
func (s *Server) answerCallbackQuery(w http.ResponseWriter, form map[string]string) {
	id := form["callback_query_id"]
	if id == "" {
		writeError(w, QueryTooOld)
		return
	}
	now := time.Now()
	s.mu.Lock()
	q, ok := s.callbacks[id]
	if !ok {
		q = &callbackQuery{pressed: now}
		s.callbacks[id] = q
	}
	timeout := s.callbackTimeout
	if timeout <= 0 {
		timeout = DefaultCallbackTimeout
	}
	refused := q.answered || now.Sub(q.pressed) > timeout
	q.answered = true
	s.mu.Unlock()
	if refused {
		writeError(w, QueryTooOld)
		return
	}
	writeOK(w, true)
}

// Answers returns the answerCallbackQuery calls for one query id (every
// query when id is ""), accepted or not.
func (s *Server) Answers(id string) []Call {
	var out []Call
	for _, c := range s.CallsOf("answerCallbackQuery", "") {
		if id == "" || c.Form["callback_query_id"] == id {
			out = append(out, c)
		}
	}
	return out
}
