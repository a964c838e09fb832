package api_test

import (
	"github.com/aduan-id/aduan/api"

	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

const testSecret = "s3cret-shared"

func signedPost(ec *echo.Echo, body string, ts int64, secret string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(api.HeaderSignature, api.Sign(secret, ts, []byte(body)))
	rec := httptest.NewRecorder()
	ec.ServeHTTP(rec, req)
	return rec
}

func TestInboundWebhook(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-WHK001", "telegram", "31", "public")); err != nil {
		t.Fatal(err)
	}
	// Pretend it was forwarded to an external server as EXT-77 (the
	// citizen is told so; the table counts the notices after that one).
	if _, err := e.svc.MarkForwarded(ctx, "SDA-WHK001", "EXT-77", true); err != nil {
		t.Fatal(err)
	}
	forwarded := len(e.notes.texts())
	ec := echo.New()
	api.RegisterWebhooks(ec, e.svc, testSecret)
	now := time.Now().Unix()
	reply := `{"event_id":"ev-1","type":"reply","tracking_number":"SDA-WHK001","text":"Petugas sudah ke lokasi"}`
	tests := []struct {
		name    string
		body    string
		ts      int64
		secret  string
		code    int
		notices int // citizen notices after this request, cumulative
	}{
		{"reply", reply, now, testSecret, 200, 1},
		{"replayed event id", reply, now, testSecret, 200, 1},
		{"bad signature", `{"event_id":"ev-2","type":"reply","tracking_number":"SDA-WHK001","text":"x"}`, now, "wrong", 401, 1},
		{"old timestamp", `{"event_id":"ev-3","type":"reply","tracking_number":"SDA-WHK001","text":"x"}`, now - 301, testSecret, 401, 1},
		{"future timestamp", `{"event_id":"ev-3b","type":"reply","tracking_number":"SDA-WHK001","text":"x"}`, now + 400, testSecret, 401, 1},
		{"oversized body", `{"event_id":"ev-4","type":"reply","tracking_number":"SDA-WHK001","text":"` +
			strings.Repeat("x", api.MaxWebhookBody) + `"}`, now, testSecret, 413, 1},
		{"malformed json", `{"event_id":"ev-5","type":`, now, testSecret, 400, 1},
		{"unknown type", `{"event_id":"ev-6","type":"delete","tracking_number":"SDA-WHK001"}`, now, testSecret, 400, 1},
		{"no event id", `{"type":"reply","tracking_number":"SDA-WHK001","text":"x"}`, now, testSecret, 400, 1},
		{"unknown report", `{"event_id":"ev-7","type":"reply","tracking_number":"SDA-NOPE00","text":"x"}`, now, testSecret, 404, 1},
		{"status by external id, LAPOR word", `{"event_id":"ev-8","type":"status","service_request_id":"EXT-77","status":"Proses","note":"Dijadwalkan"}`,
			now, testSecret, 200, 2},
		{"status replayed", `{"event_id":"ev-8","type":"status","service_request_id":"EXT-77","status":"Proses","note":"Dijadwalkan"}`,
			now, testSecret, 200, 2},
		{"bad status", `{"event_id":"ev-9","type":"status","tracking_number":"SDA-WHK001","status":"done"}`, now, testSecret, 400, 2},
		{"question", `{"event_id":"ev-10","type":"question","tracking_number":"SDA-WHK001","text":"Nomor rumah berapa?"}`,
			now, testSecret, 200, 2},
		{"resolved", `{"event_id":"ev-11","type":"status","tracking_number":"SDA-WHK001","status":"resolved","note":"Selesai ditambal"}`,
			now, testSecret, 200, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := signedPost(ec, tc.body, tc.ts, tc.secret)
			if rec.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			var out map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("answer is not JSON: %s", rec.Body)
			}
			if tc.code != 200 && out["error"] == "" {
				t.Fatalf("error answer without error: %s", rec.Body)
			}
			if got := len(e.notes.texts()) - forwarded; got != tc.notices {
				t.Fatalf("citizen notices = %d, want %d: %q", got, tc.notices, e.notes.texts())
			}
		})
	}
	r, _ := e.svc.Get(ctx, "SDA-WHK001")
	if r.Status != api.StatusResolved {
		t.Fatalf("status %q", r.Status)
	}
	fl := e.flows.all()
	if len(fl) != 2 || fl[0].Flow != api.FlowAnswer || !strings.Contains(fl[0].Intro, "Nomor rumah berapa?") ||
		fl[1].Flow != api.FlowResolved || !strings.Contains(fl[1].Intro, "Selesai ditambal") {
		t.Fatalf("flows started: %+v", fl)
	}
	if !strings.Contains(e.notes.texts()[forwarded], "Petugas sudah ke lokasi") || !strings.Contains(e.notes.texts()[forwarded+1], "Dijadwalkan") {
		t.Fatalf("notices %q", e.notes.texts())
	}
}

func TestInboundWebhookWithoutSecretRefuses(t *testing.T) {
	e := newEnv(t)
	ec := echo.New()
	api.RegisterWebhooks(ec, e.svc, "")
	rec := signedPost(ec, `{"event_id":"x","type":"reply","tracking_number":"SDA-A","text":"x"}`, time.Now().Unix(), "")
	if rec.Code != 401 {
		t.Fatalf("code %d", rec.Code)
	}
}

// hookReceiver is an outbound webhook endpoint that checks signatures.
type hookReceiver struct {
	mu     sync.Mutex
	bodies []string
	ids    []string
	bad    int
	script func(n int) int
	srv    *httptest.Server
}

func newHookReceiver(t *testing.T, script func(n int) int) *hookReceiver {
	h := &hookReceiver{script: script}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if api.Verify(testSecret, r.Header.Get(api.HeaderTimestamp), r.Header.Get(api.HeaderSignature), body, time.Now()) != nil {
			h.bad++
			w.WriteHeader(401)
			return
		}
		h.bodies = append(h.bodies, string(body))
		h.ids = append(h.ids, r.Header.Get(api.HeaderEventID))
		code := 200
		if h.script != nil {
			code = h.script(len(h.bodies))
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) got() ([]string, []string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...), append([]string(nil), h.ids...), h.bad
}

func TestOutboundWebhooks(t *testing.T) {
	ok := newHookReceiver(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 204
	})
	refuses := newHookReceiver(t, func(int) int { return 410 })
	e := newEnv(t, api.WithOutboundWebhooks(ok.srv.URL, refuses.srv.URL))
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-OUT001", "telegram", "chat-secret-5", "anonim")); err != nil {
		t.Fatal(err)
	}
	w := api.NewWebhookSender(e.svc, fast(api.Config{WebhookSecret: testSecret}))
	run(t, w.Run)
	eventually(t, "delivered and dead-lettered", func() bool {
		bodies, _, _ := ok.got()
		d, _ := e.deadLetters(ctx)
		return len(bodies) == 2 && len(d) == 1
	})
	bodies, ids, bad := ok.got()
	if bad != 0 || ids[0] != ids[1] || ids[0] == "" {
		t.Fatalf("bad signatures %d, event ids %q (a retry keeps its id)", bad, ids)
	}
	var ev api.HookEvent
	if err := json.Unmarshal([]byte(bodies[1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != api.HookCreated || ev.TrackingNumber != "SDA-OUT001" || ev.Report.Identity != api.IdentityAnonim {
		t.Fatalf("event %+v", ev)
	}
	d, _ := e.deadLetters(ctx)
	if d[0].Kind != api.DeadWebhook || d[0].Target != refuses.srv.URL || d[0].Attempts != 1 {
		t.Fatalf("dead letter %+v", d[0])
	}
}

// The signature documented in docs/api.md (computed there with openssl).
func TestSignKnownVector(t *testing.T) {
	got := api.Sign("s", 100, []byte(`{"a":1}`))
	if got != "sha256=656e1e4741c6d067583100deffac98bd0d681e933e84e4a7158d80f1326aa013" {
		t.Fatalf("api.Sign = %s", got)
	}
	if err := api.Verify("s", "100", got, []byte(`{"a":1}`), time.Unix(100, 0)); err != nil {
		t.Fatal(err)
	}
}
