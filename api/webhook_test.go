package api_test

import (
	"github.com/aduan-id/aduan/api"

	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
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

// hookReceiver is an outbound webhook endpoint that checks both header sets:
// the Standard Webhooks ones with stdlibVerify (written from the spec, as a
// receiver would, not with the package's verifier) and the legacy ones. A
// request failing either is refused and counted as bad.
type hookReceiver struct {
	mu      sync.Mutex
	bodies  []string
	ids     []string // X-Aduan-Event-Id
	msgIDs  []string // webhook-id
	headers []http.Header
	bad     int
	script  func(n int) int
	srv     *httptest.Server
}

func newHookReceiver(t *testing.T, script func(n int) int) *hookReceiver {
	h := &hookReceiver{script: script}
	key := []byte(testSecret) // a secret without whsec_ is the key itself
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if api.Verify(testSecret, r.Header.Get(api.HeaderTimestamp), r.Header.Get(api.HeaderSignature), body, time.Now()) != nil ||
			stdlibVerify(key, r.Header, body, time.Now()) != nil ||
			r.Header.Get("webhook-timestamp") != r.Header.Get(api.HeaderTimestamp) {
			h.bad++
			w.WriteHeader(401)
			return
		}
		h.bodies = append(h.bodies, string(body))
		h.ids = append(h.ids, r.Header.Get(api.HeaderEventID))
		h.msgIDs = append(h.msgIDs, r.Header.Get("webhook-id"))
		h.headers = append(h.headers, r.Header.Clone())
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

// webhookIDs are the webhook-id headers received, in order.
func (h *hookReceiver) webhookIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.msgIDs...)
}

// stdlibVerify is a Standard Webhooks 1.0 receiver in the standard library
// only (the docs/api.md Go snippet): HMAC-SHA256 over id.timestamp.body,
// base64, any "v1" of the space-separated list, 5 minutes of tolerance.
func stdlibVerify(key []byte, h http.Header, body []byte, now time.Time) error {
	id, tsv, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsv == "" || sigs == "" {
		return errors.New("missing Standard Webhooks headers")
	}
	ts, err := strconv.ParseInt(tsv, 10, 64)
	if err != nil {
		return errors.New("bad webhook-timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("webhook-timestamp too old or too new")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + tsv + "."))
	m.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, sig := range strings.Fields(sigs) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no matching signature")
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
	if msgIDs := ok.webhookIDs(); msgIDs[0] != ids[0] || msgIDs[1] != ids[1] {
		t.Fatalf("webhook-id %q, want the event id %q", msgIDs, ids)
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

// stdPost posts body signed the Standard Webhooks way: webhook-id msgID,
// webhook-timestamp ts and the given webhook-signature (empty: none).
// legacy adds valid X-Aduan-* headers too.
func stdPost(ec *echo.Echo, body, msgID string, ts int64, sig string, legacy bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if msgID != "" {
		req.Header.Set("webhook-id", msgID)
	}
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	if sig != "" {
		req.Header.Set("webhook-signature", sig)
	}
	if legacy {
		req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(api.HeaderSignature, api.Sign(testSecret, ts, []byte(body)))
	}
	rec := httptest.NewRecorder()
	ec.ServeHTTP(rec, req)
	return rec
}

func mustSignStandard(t *testing.T, secret, msgID string, ts int64, body string) string {
	t.Helper()
	sig, err := api.SignStandard(secret, msgID, ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// The inbound webhook takes a Standard-Webhooks-signed request, once per
// webhook-id, and still takes the legacy headers (TestInboundWebhook).
func TestInboundWebhookStandard(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	n := "SDA-WHS001"
	if err := e.svc.HandleAction(ctx, submitEnv(n, "telegram", "chat-secret-32", "public")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MarkForwarded(ctx, n, "EXT-88", true); err != nil {
		t.Fatal(err)
	}
	base := len(e.notes.texts())
	// Two receivers on one service: the plain secret, and a whsec_ one
	// (a Standard Webhooks secret, its key base64-encoded).
	whsec := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	plain, std := echo.New(), echo.New()
	api.RegisterWebhooks(plain, e.svc, testSecret)
	api.RegisterWebhooks(std, e.svc, whsec)
	reply := func(eventID, text string) string {
		return `{"event_id":"` + eventID + `","type":"reply","tracking_number":"` + n + `","text":"` + text + `"}`
	}
	noID := `{"type":"reply","service_request_id":"EXT-88","text":"Tanpa event_id"}`
	sign := func(secret, msgID string, ts int64, body string) string {
		return mustSignStandard(t, secret, msgID, ts, body)
	}
	tests := []struct {
		name    string
		ec      *echo.Echo
		body    string
		msgID   string
		ts      int64 // offset from now, seconds
		sig     func(body, msgID string, ts int64) string
		legacy  bool
		code    int
		notices int // cumulative
		last    string
	}{
		{name: "signed reply", ec: plain, body: reply("ev-s1", "Balasan satu"), msgID: "msg_1", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 1, last: "Balasan satu"},
		{name: "replayed request", ec: plain, body: reply("ev-s1", "Balasan satu"), msgID: "msg_1", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 1},
		{name: "same webhook-id, another event", ec: plain, body: reply("ev-s2", "Balasan dua"), msgID: "msg_1", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 1},
		{name: "no event_id: the webhook-id is the event id", ec: plain, body: noID, msgID: "msg_2", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 2, last: "Tanpa event_id"},
		{name: "same event_id under a new webhook-id", ec: plain, body: reply("ev-s1", "Balasan satu"), msgID: "msg_3", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 2},
		{name: "rotation: the second signature matches", ec: plain, body: reply("ev-s4", "Balasan empat"), msgID: "msg_4", ts: 0,
			sig: func(b, id string, ts int64) string {
				return sign("old-secret", id, ts, b) + " v2,AAAA " + sign(testSecret, id, ts, b)
			}, code: 200, notices: 3, last: "Balasan empat"},
		{name: "whsec_ secret", ec: std, body: reply("ev-s5", "Balasan lima"), msgID: "msg_5", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(whsec, id, ts, b) }, code: 200, notices: 4, last: "Balasan lima"},
		{name: "wrong secret", ec: plain, body: reply("ev-s6", "x"), msgID: "msg_6", ts: 0,
			sig: func(b, id string, ts int64) string { return sign("wrong", id, ts, b) }, code: 401, notices: 4},
		{name: "bad standard signature, good legacy headers", ec: plain, body: reply("ev-s7", "x"), msgID: "msg_7", ts: 0,
			sig: func(b, id string, ts int64) string { return sign("wrong", id, ts, b) }, legacy: true, code: 401, notices: 4},
		{name: "signed for another webhook-id", ec: plain, body: reply("ev-s8", "x"), msgID: "msg_8", ts: 0,
			sig: func(b, _ string, ts int64) string { return sign(testSecret, "msg_other", ts, b) }, code: 401, notices: 4},
		{name: "missing webhook-id", ec: plain, body: reply("ev-s9", "x"), ts: 0,
			sig: func(b, _ string, ts int64) string { return sign(testSecret, "", ts, b) }, code: 401, notices: 4},
		{name: "old timestamp", ec: plain, body: reply("ev-s10", "x"), msgID: "msg_10", ts: -301,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 401, notices: 4},
		{name: "future timestamp", ec: plain, body: reply("ev-s11", "x"), msgID: "msg_11", ts: +301,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 401, notices: 4},
		{name: "only another version", ec: plain, body: reply("ev-s12", "x"), msgID: "msg_12", ts: 0,
			sig: func(b, id string, ts int64) string {
				return "v2," + strings.TrimPrefix(sign(testSecret, id, ts, b), "v1,")
			}, code: 401, notices: 4},
		{name: "whsec_ key used as a plain secret", ec: std, body: reply("ev-s13", "x"), msgID: "msg_13", ts: 0,
			sig: func(b, id string, ts int64) string { return sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id, ts, b) }, code: 401, notices: 4},
		{name: "unknown report: refused, webhook-id released", ec: plain,
			body: `{"event_id":"ev-s14","type":"reply","tracking_number":"SDA-NOPE00","text":"x"}`, msgID: "msg_14", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 404, notices: 4},
		{name: "the released webhook-id applies when fixed", ec: plain, body: reply("ev-s14", "Balasan empat belas"), msgID: "msg_14", ts: 0,
			sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 5, last: "Balasan empat belas"},
		{name: "status by standard webhook", ec: plain,
			body:  `{"event_id":"ev-s15","type":"status","service_request_id":"EXT-88","status":"Selesai","note":"Sudah ditambal"}`,
			msgID: "msg_15", ts: 0, sig: func(b, id string, ts int64) string { return sign(testSecret, id, ts, b) }, code: 200, notices: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := time.Now().Unix() + tc.ts
			rec := stdPost(tc.ec, tc.body, tc.msgID, ts, tc.sig(tc.body, tc.msgID, ts), tc.legacy)
			if rec.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			texts := e.notes.texts()[base:]
			if len(texts) != tc.notices {
				t.Fatalf("citizen notices = %d, want %d: %q", len(texts), tc.notices, texts)
			}
			if tc.last != "" && !strings.Contains(texts[len(texts)-1], tc.last) {
				t.Fatalf("last notice %q, want %q", texts[len(texts)-1], tc.last)
			}
		})
	}
	r, _ := e.svc.Get(ctx, n)
	if r.Status != api.StatusResolved {
		t.Fatalf("status %q after the signed status change", r.Status)
	}
	if fl := e.flows.all(); len(fl) != 1 || fl[0].Flow != api.FlowResolved {
		t.Fatalf("flows started: %+v", fl)
	}
}

// A webhook-id another delivery is applying right now is a conflict the
// sender retries; once released it applies.
func TestInboundWebhookIDInFlight(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	n := "SDA-WHS002"
	if err := e.svc.HandleAction(ctx, submitEnv(n, "telegram", "chat-secret-33", "public")); err != nil {
		t.Fatal(err)
	}
	base := len(e.notes.texts())
	ec := echo.New()
	api.RegisterWebhooks(ec, e.svc, testSecret)
	key := e.svc.InboundWebhookIDKey("msg_busy")
	if err := e.svc.RDB().Set(ctx, key, "pending", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	body := `{"type":"reply","tracking_number":"` + n + `","text":"Sedang diproses"}`
	post := func() int {
		ts := time.Now().Unix()
		return stdPost(ec, body, "msg_busy", ts, mustSignStandard(t, testSecret, "msg_busy", ts, body), false).Code
	}
	if code := post(); code != http.StatusConflict || len(e.notes.texts()) != base {
		t.Fatalf("in flight: code %d, notices %d", code, len(e.notes.texts())-base)
	}
	e.svc.RDB().Del(ctx, key)
	if code := post(); code != http.StatusOK || len(e.notes.texts()) != base+1 {
		t.Fatalf("released: code %d, notices %d", code, len(e.notes.texts())-base)
	}
	if ttl := e.svc.RDB().TTL(ctx, key).Val(); ttl < 6*24*time.Hour {
		t.Fatalf("a processed webhook-id is remembered for %v, want 7 days", ttl)
	}
}
