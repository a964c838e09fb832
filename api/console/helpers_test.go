package console

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost // hashing at cost 12 would dominate the test time
	os.Exit(m.Run())
}

// fakeCitizens records what the service (through the outbox relay) queued
// for citizens and the flows it started; each id once, like the real ones.
type fakeCitizens struct {
	mu      sync.Mutex
	seen    map[string]bool
	msgs    []bot.Outbound
	started []string // "channel chat flow pending"
	drain   func()
}

func (f *fakeCitizens) NotifyOnce(_ context.Context, id string, m bot.Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.seen[id] {
		f.seen[id] = true
		f.msgs = append(f.msgs, m)
	}
	return nil
}

func (f *fakeCitizens) StartFlowOnce(_ context.Context, id, channel, chatID, flowID, pending, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.seen[id] {
		f.seen[id] = true
		f.started = append(f.started, channel+" "+chatID+" "+flowID+" "+pending)
	}
	return nil
}

func (f *fakeCitizens) sent() []bot.Outbound {
	f.drain()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Outbound(nil), f.msgs...)
}

func (f *fakeCitizens) startedFlows() []string {
	f.drain()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.started...)
}

func testCatalog() *flows.Catalog {
	return &flows.Catalog{
		Region:   flows.Region{Name: "Kabupaten Sidoarjo", TrackingPrefix: "SDA", EmergencyNumber: "112"},
		Agencies: []flows.Agency{{Code: "DPUBMSDA", Name: "Dinas PU Bina Marga dan SDA"}, {Code: "DLHK", Name: "Dinas Lingkungan Hidup dan Kebersihan"}},
		Services: []flows.Service{
			{Code: "jalan", Agency: "DPUBMSDA", Name: flows.Text{ID: "Jalan dan jembatan", EN: "Roads and bridges"}},
			{Code: "banjir", Agency: "DPUBMSDA", Name: flows.Text{ID: "Banjir dan saluran air", EN: "Flooding and drainage"}},
			{Code: "sampah", Agency: "DLHK", Name: flows.Text{ID: "Sampah dan kebersihan", EN: "Waste and cleanliness"}},
		},
		Kecamatan: []string{"Buduran", "Candi", "Sidoarjo", "Taman", "Waru"},
	}
}

type harness struct {
	t      *testing.T
	e      *echo.Echo
	con    *Console
	svc    *api.Service
	rdb    redis.UniversalClient
	prefix string
	notes  *fakeCitizens
	flows  *fakeCitizens
	store  api.ReportStore
	cfg    Config
	seq    int
	logs   bottest.LogBuffer
}

// newHarness builds a console on a real Redis with a unique prefix. now is
// Monday 2026-11-30 10:00 WIB unless cfg.Now is set by mutate.
func newHarness(t *testing.T, mutate func(*Config)) *harness {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	cit := &fakeCitizens{seen: map[string]bool{}}
	h := &harness{t: t, rdb: rdb, prefix: prefix, notes: cit, flows: cit, store: sqlstoretest.Open(t, "sqlite")}
	cat := testCatalog()
	media, err := bot.NewDirMediaStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Prefix: prefix, MediaStore: media, Now: func() time.Time { return testNow }}
	if mutate != nil {
		mutate(&cfg)
	}
	h.cfg = cfg
	log := slog.New(slog.NewJSONHandler(&h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.svc = api.NewService(h.store, rdb, prefix, cat, cit, nil, log)
	relay := api.NewRelay(h.svc)
	cit.drain = func() {
		if _, err := relay.Drain(context.Background()); err != nil {
			t.Errorf("relay: %v", err)
		}
	}
	h.con = New(cfg, rdb, h.svc, cat, log)
	t.Cleanup(func() {
		// Personal data, passwords and report text never reach the logs.
		for _, secret := range []string{testPassword, "wrong password!", "Siti Rahayu", "081234567890", "Uraian laporan", "Petugas menuju"} {
			if strings.Contains(h.logs.String(), secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
	h.e = echo.New()
	h.con.Register(h.e)
	return h
}

var testNow = time.Date(2026, 11, 30, 10, 0, 0, 0, jakarta())

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

const testPassword = "correct horse battery"

// account creates an account and returns its email.
func (h *harness) account(email, role, agency string) string {
	h.t.Helper()
	if err := h.con.accounts.Add(ctxT(h.t), Account{Email: email, Name: "Admin " + role, Role: role, Agency: agency}, testPassword); err != nil {
		h.t.Fatalf("add account %s: %v", email, err)
	}
	return email
}

// login logs in and returns the session cookie.
func (h *harness) login(email string) *http.Cookie {
	h.t.Helper()
	rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {email}, "password": {testPassword}}, nil, nil)
	if rec.Code != http.StatusSeeOther {
		h.t.Fatalf("login %s: status %d: %s", email, rec.Code, rec.Body.String())
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	h.t.Fatalf("login %s: no session cookie", email)
	return nil
}

// as logs in a fresh account of role (and agency) and returns its cookie.
func (h *harness) as(role, agency string) *http.Cookie {
	h.t.Helper()
	h.seq++
	email := role + strconv.Itoa(h.seq) + "@sidoarjo.go.id"
	h.account(email, role, agency)
	return h.login(email)
}

// do sends a request through the echo instance. A POST gets a same-origin
// Sec-Fetch-Site header unless hdr sets it.
func (h *harness) do(method, path string, form url.Values, ck *http.Cookie, hdr map[string]string) *httptest.ResponseRecorder {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range hdr {
		if k == "RemoteAddr" {
			req.RemoteAddr = v
			continue
		}
		req.Header.Set(k, v)
	}
	if ck != nil {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	h.e.ServeHTTP(rec, req)
	return rec
}

// report files a report through the complaint side's submit action.
type reportSpec struct {
	Number, Category, Identity, Channel, Chat, Kecamatan, Title string
	Name, Phone                                                 string
	At                                                          time.Time
	Photos                                                      []flows.Photo
}

func (h *harness) report(s reportSpec) {
	h.t.Helper()
	if s.Channel == "" {
		s.Channel = bot.ChannelTelegram
	}
	if s.Chat == "" {
		s.Chat = "5001"
	}
	if s.At.IsZero() {
		s.At = testNow.Add(-time.Hour)
	}
	if s.Title == "" {
		s.Title = "Laporan " + s.Number
	}
	if s.Kecamatan == "" {
		s.Kecamatan = "Sidoarjo"
	}
	h.seq++
	env := bot.ActionEnvelope{ID: "1-" + strconv.Itoa(h.seq), Channel: s.Channel, ChatID: s.Chat, Lang: "id", At: s.At,
		Action: flows.Action{Kind: flows.ActionSubmit, Tracking: s.Number, Photos: s.Photos, Fields: map[string]string{
			"category": s.Category, "title": s.Title, "description": "Uraian laporan " + s.Number,
			"lat": "-7.4478", "lon": "112.7183", "address": "Jl. Pahlawan 1", "kecamatan": s.Kecamatan,
			"identity": s.Identity, "name": s.Name, "phone": s.Phone,
		}}}
	if err := h.svc.HandleAction(ctxT(h.t), env); err != nil {
		h.t.Fatalf("submit %s: %v", s.Number, err)
	}
}

// deadLetter records d as a worker would: through the store.
func (h *harness) deadLetter(d api.DeadLetter) {
	h.t.Helper()
	if d.FirstAt.IsZero() {
		d.FirstAt, d.LastAt = time.Now().UTC(), time.Now().UTC()
	}
	if d.Stream == "" {
		d.Stream = h.prefix + ":rpt:{rpt}:fwd"
	}
	if d.Entry == "" {
		d.Entry = d.ID
	}
	if err := h.store.AddDeadLetter(ctxT(h.t), d); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) get(number string) *api.Report {
	h.t.Helper()
	r, err := h.svc.Get(ctxT(h.t), number)
	if err != nil {
		h.t.Fatalf("get %s: %v", number, err)
	}
	return r
}

// auditActions returns the actions of the audit log, newest first.
func (h *harness) auditEntries() []AuditEntry {
	h.t.Helper()
	list, _, err := h.con.audit.list(ctxT(h.t), "", 1000, "", "", "")
	if err != nil {
		h.t.Fatal(err)
	}
	return list
}

func (h *harness) hasAudit(action, target string) bool {
	for _, e := range h.auditEntries() {
		if e.Action == action && e.Target == target {
			return true
		}
	}
	return false
}

// testPNG is a w×h PNG (a green-grey gradient, so photos look like photos in
// screenshots).
func testPNG(w, h int) string {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(90 + 80*x/w), G: uint8(120 + 90*y/h), B: uint8(110 + 40*(x+y)/(w+h)), A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.String()
}

var pngBytes = testPNG(8, 8)
