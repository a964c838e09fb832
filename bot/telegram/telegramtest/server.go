// Package telegramtest is a fake Telegram Bot API server for tests: the wire
// format of the real one (POST /bot<token>/<method> with multipart/form-data,
// urlencoded or JSON bodies; {"ok":...} envelopes; file downloads under
// /file/bot<token>/), a record of every call, failures injected on demand,
// and long-poll getUpdates that drops only confirmed updates.
package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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
	updates   []json.RawMessage // queued, in the order Telegram issued them
	updateIDs []int64
	epochs    []int         // the id epoch of each queued update
	epoch     int           // the current id epoch (ResetUpdateIDs)
	issued    map[int64]int // update id -> epoch it was last issued in
	confirmed int64         // highest offset received
	notify    chan struct{}
	callSig   chan struct{}

	callbacks       map[string]*callbackQuery // callback query id -> state
	callbackTimeout time.Duration
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
		issued:    map[int64]int{},
		callbacks: map[string]*callbackQuery{},
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
	form, err := ParseForm(r)
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
