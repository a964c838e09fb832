package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// call posts a urlencoded Bot API call and returns the HTTP status and the
// envelope's description.
func call(t *testing.T, s *Server, method string, form url.Values) (int, string, json.RawMessage) {
	t.Helper()
	resp, err := http.Post(s.URL+"/bot"+s.Token+"/"+method, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		Description string          `json:"description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, env.Description, env.Result
}

func TestAnswerCallbackQuery(t *testing.T) {
	answer := func(t *testing.T, s *Server, id string) (int, string) {
		code, desc, _ := call(t, s, "answerCallbackQuery", url.Values{"callback_query_id": {id}})
		return code, desc
	}
	tests := []struct {
		name string
		// run presses (or not) and answers; it returns the statuses of the
		// answers, in order.
		run  func(t *testing.T, s *Server, u *Updates) []int
		want []int
	}{
		{"first answer of a webhook press", func(t *testing.T, s *Server, u *Updates) []int {
			c, _ := answer(t, s, QueryID(u.Callback(101, "q", "s|v")))
			return []int{c}
		}, []int{200}},
		{"second answer of the same query", func(t *testing.T, s *Server, u *Updates) []int {
			id := QueryID(u.Callback(101, "q", "s|v"))
			a, _ := answer(t, s, id)
			b, _ := answer(t, s, id)
			c, _ := answer(t, s, id)
			return []int{a, b, c}
		}, []int{200, 400, 400}},
		{"two queries, each answered once", func(t *testing.T, s *Server, u *Updates) []int {
			a, _ := answer(t, s, QueryID(u.Callback(101, "q", "s|v")))
			b, _ := answer(t, s, QueryID(u.Callback(101, "q", "s|w")))
			return []int{a, b}
		}, []int{200, 200}},
		{"answer after the time limit (press queued for getUpdates)", func(t *testing.T, s *Server, u *Updates) []int {
			s.SetCallbackTimeout(30 * time.Millisecond)
			raw := u.Callback(101, "q", "s|v")
			s.PushUpdate(raw)
			time.Sleep(60 * time.Millisecond)
			a, _ := answer(t, s, QueryID(raw))
			return []int{a}
		}, []int{400}},
		{"answer within the time limit (press queued for getUpdates)", func(t *testing.T, s *Server, u *Updates) []int {
			raw := u.Callback(101, "q", "s|v")
			s.PushUpdate(raw)
			a, _ := answer(t, s, QueryID(raw))
			b, _ := answer(t, s, QueryID(raw))
			return []int{a, b}
		}, []int{200, 400}},
		{"no query id", func(t *testing.T, s *Server, u *Updates) []int {
			a, _ := answer(t, s, "")
			return []int{a}
		}, []int{400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			got := tt.run(t, s, NewUpdates(42, "id", 1))
			if len(got) != len(tt.want) {
				t.Fatalf("statuses %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("statuses %v, want %v", got, tt.want)
				}
			}
			for _, c := range s.Answers("") {
				if c.Status != http.StatusOK && c.Status != QueryTooOld.Code {
					t.Errorf("answer status %d", c.Status)
				}
			}
		})
	}
	// the refusal is worded as Telegram words it
	s := New(t)
	id := QueryID(NewUpdates(42, "id", 1).Callback(101, "q", "s|v"))
	answer(t, s, id)
	if code, desc := answer(t, s, id); code != 400 || desc != QueryTooOld.Description {
		t.Errorf("second answer: %d %q, want 400 %q", code, desc, QueryTooOld.Description)
	}
}
