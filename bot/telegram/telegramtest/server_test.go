package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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

// TestGetUpdatesOffset: an offset confirms the updates below it; after an id
// reset (a week without updates) only an offset of the new sequence confirms
// the new updates.
func TestGetUpdatesOffset(t *testing.T) {
	ids := func(t *testing.T, s *Server, offset int64) []int64 {
		t.Helper()
		_, _, res := call(t, s, "getUpdates", url.Values{"offset": {strconv.FormatInt(offset, 10)}, "timeout": {"0"}})
		var us []struct {
			ID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(res, &us); err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	eq := func(a, b []int64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	s := New(t)
	u := NewUpdates(42, "id", 5000)
	s.PushUpdate(u.Text("a"))
	s.PushUpdate(u.Text("b"))
	steps := []struct {
		name   string
		before func()
		offset int64
		want   []int64
	}{
		{"no offset: everything unconfirmed", nil, 0, []int64{5000, 5001}},
		{"offset confirms below it", nil, 5001, []int64{5001}},
		{"the last one confirmed", nil, 5002, nil},
		{"after an id reset, the old offset leaves the new updates", func() {
			s.ResetUpdateIDs()
			r := NewUpdates(42, "id", 17)
			s.PushUpdate(r.Text("c"))
			s.PushUpdate(r.Text("d"))
		}, 5002, []int64{17, 18}},
		{"an offset of the new sequence confirms them", nil, 19, nil},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before()
		}
		if got := ids(t, s, st.offset); !eq(got, st.want) {
			t.Errorf("%s: getUpdates(offset %d) = %v, want %v", st.name, st.offset, got, st.want)
		}
	}
	if p := s.Pending(); len(p) != 0 {
		t.Errorf("pending %v", p)
	}
}
