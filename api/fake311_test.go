package api_test

import (
	"github.com/aduan-id/aduan/api"

	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aduan-id/aduan/api/open311"
)

// fake311 is an external Open311 server that honours Idempotency-Key. Its
// script decides the answer to the n-th POST (1-based); the request is
// committed before the answer unless the script says status >= 400.
type fake311 struct {
	mu      sync.Mutex
	posts   []time.Time
	forms   []url.Values
	keys    []string
	byKey   map[string]string // idempotency key -> id
	reports map[string]url.Values
	status  map[string]string // id -> open|closed (GET)
	notes   map[string]string
	script  func(n int) (code int, retryAfter string, delay time.Duration)
	gets    []string
	srv     *httptest.Server
	// hang makes POSTs of this tracking number hang (past any client timeout).
	hang string
}

func newFake311(t *testing.T, script func(n int) (int, string, time.Duration)) *fake311 {
	f := &fake311{byKey: map[string]string{}, reports: map[string]url.Values{}, status: map[string]string{},
		notes: map[string]string{}, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake311) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/requests.json":
		if err := r.ParseForm(); err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(400)
			return
		}
		if r.PostForm.Get("api_key") != "ext-key" {
			w.WriteHeader(403)
			_, _ = w.Write([]byte(`[{"code":403,"description":"bad key"}]`))
			return
		}
		// Like the GeoReport v2 reference servers: descriptions are limited
		// to 4,000 characters, longer ones are refused as invalid.
		if utf8.RuneCountInString(r.PostForm.Get("description")) > 4000 {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`[{"code":400,"description":"description: at most 4000 characters"}]`))
			return
		}
		if f.hang != "" && r.PostForm.Get("attribute[tracking]") == f.hang {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			w.WriteHeader(504)
			return
		}
		f.mu.Lock()
		f.posts = append(f.posts, time.Now())
		f.forms = append(f.forms, r.PostForm)
		key := r.Header.Get("Idempotency-Key")
		f.keys = append(f.keys, key)
		code, ra, delay := 201, "", time.Duration(0)
		if f.script != nil {
			code, ra, delay = f.script(len(f.posts))
		}
		var id string
		if code < 400 {
			id = f.byKey[key]
			if id == "" {
				id = "EXT-" + strconv.Itoa(len(f.reports)+1)
				f.byKey[key] = id
				f.reports[id] = r.PostForm
				f.status[id] = "open"
			}
		}
		f.mu.Unlock()
		if delay > 0 {
			time.Sleep(delay)
		}
		if ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		w.WriteHeader(code)
		if code >= 400 {
			_ = json.NewEncoder(w).Encode([]open311.Error{{Code: code, Description: "scripted failure"}})
			return
		}
		_ = json.NewEncoder(w).Encode([]open311.Created{{ServiceRequestID: id}})
	case r.Method == http.MethodGet && r.URL.Path == "/v2/requests.json":
		f.mu.Lock()
		defer f.mu.Unlock()
		ids := r.URL.Query().Get("service_request_id")
		f.gets = append(f.gets, ids)
		var out []open311.Request
		for _, id := range api.SplitList(ids) {
			if st, ok := f.status[id]; ok {
				out = append(out, open311.Request{ServiceRequestID: id, Status: st, StatusNotes: f.notes[id],
					ServiceCode: f.reports[id].Get("service_code")})
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	default:
		w.WriteHeader(404)
	}
}

func (f *fake311) url() string { return f.srv.URL + "/v2" }

func (f *fake311) counts() (posts, reports int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts), len(f.reports)
}

func (f *fake311) setStatus(id, status, notes string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[id], f.notes[id] = status, notes
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
