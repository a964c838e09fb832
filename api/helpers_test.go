package api_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

// fakeCitizens records what the relay and the service send to citizens: the
// messaging core's side of api.Citizens, faked at that narrow interface.
// Each id is honoured once, as the real NotifyOnce and StartFlowOnce do.
type fakeCitizens struct {
	mu      sync.Mutex
	seen    map[string]bool
	sent    []bot.Outbound
	started []startedFlow
	err     error
	drain   func() // runs the relay before a read, so tests see committed notices
}

var _ api.Citizens = (*fakeCitizens)(nil)

func (f *fakeCitizens) NotifyOnce(_ context.Context, id string, m bot.Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	if f.seen[id] {
		return nil
	}
	f.seen[id] = true
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeCitizens) StartFlowOnce(_ context.Context, id, channel, chat, flow, pending, intro string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	if f.seen[id] {
		return nil
	}
	f.seen[id] = true
	f.started = append(f.started, startedFlow{channel, chat, flow, pending, intro})
	return nil
}

func (f *fakeCitizens) texts() []string {
	if f.drain != nil {
		f.drain()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		out = append(out, m.Text)
	}
	return out
}

func (f *fakeCitizens) outbound() []bot.Outbound {
	if f.drain != nil {
		f.drain()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Outbound(nil), f.sent...)
}

// startedFlow is one StartFlowOnce call.
type startedFlow struct{ Channel, Chat, Flow, Pending, Intro string }

func (f *fakeCitizens) all() []startedFlow {
	if f.drain != nil {
		f.drain()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]startedFlow(nil), f.started...)
}

func testCatalog(t testing.TB) *flows.Catalog {
	t.Helper()
	set, err := flows.Load("") // the embedded defaults, loaded as serve loads them
	if err != nil {
		t.Fatal(err)
	}
	return set.Catalog()
}

func testTexts(t testing.TB) *api.YAMLTexts {
	t.Helper()
	tx, err := api.LoadTexts("../flows/defaults/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

type env struct {
	svc     *api.Service
	store   api.ReportStore
	relay   *api.Relay
	notes   *fakeCitizens
	flows   *fakeCitizens // the same recorder: notices and flow starts
	prefix  string
	logs    *bottest.LogBuffer
	dialect string
}

// newEnv is a service on a real report database (SQLite unless
// ADUAN_TEST_DIALECT=postgres; the tests that matter most run on both, see
// forEachDialect) and the real Redis, with the citizens' side faked.
func newEnv(t testing.TB, opts ...api.Option) *env {
	t.Helper()
	dialect := os.Getenv("ADUAN_TEST_DIALECT")
	if dialect == "" {
		dialect = "sqlite"
	}
	return newEnvOn(t, dialect, opts...)
}

func newEnvOn(t testing.TB, dialect string, opts ...api.Option) *env {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	store := sqlstoretest.Open(t, dialect)
	cit := &fakeCitizens{seen: map[string]bool{}}
	e := &env{store: store, notes: cit, flows: cit, prefix: prefix, dialect: dialect}
	e.logs = &bottest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.svc = api.NewService(store, rdb, prefix, testCatalog(t), cit, testTexts(t), log, opts...)
	e.relay = api.NewRelay(e.svc)
	cit.drain = func() { e.drain(t) }
	// The relay runs as in production (woken by every commit); reads of the
	// fake also drain, so a test sees what was committed before it looked.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.relay.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	t.Cleanup(func() {
		// Log scrubbing: the fixtures' name, phone, chat id and texts never
		// reach the logs.
		out := e.logs.String()
		for _, pii := range []string{"Siti", "081234567890", "chat-secret", "Lubang besar", "Jalan berlubang"} {
			if strings.Contains(out, pii) {
				t.Errorf("logs contain %q:\n%s", pii, out)
			}
		}
		if testing.Verbose() {
			t.Log(out)
		}
	})
	return e
}

// drain relays every committed outbox row now.
func (e *env) drain(t testing.TB) {
	t.Helper()
	if _, err := e.relay.Drain(context.Background()); err != nil {
		t.Errorf("relay: %v", err)
	}
}

// forEachDialect runs fn as a subtest on SQLite and on PostgreSQL.
func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range sqlstoretest.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var envSeq int

// submitEnv is a submit action of a chat with the given identity.
func submitEnv(number, channel, chat, identity string) bot.ActionEnvelope {
	envSeq++
	return bot.ActionEnvelope{
		ID: "1-" + itoa(envSeq), Channel: channel, ChatID: chat, Lang: "id", At: time.Now(),
		Action: flows.Action{Kind: flows.ActionSubmit, Tracking: number, Fields: map[string]string{
			"category": "jalan", "title": "Jalan berlubang", "description": "Lubang besar di depan pasar",
			"date": "2026-11-20", "lat": "-7.45", "lon": "112.71", "address": "Jl. Pahlawan 1",
			"kecamatan": "Sidoarjo", "identity": identity, "name": "Siti Rahayu", "phone": "081234567890",
		}},
	}
}

func actionEnv(kind, channel, chat string, args, fields map[string]string) bot.ActionEnvelope {
	envSeq++
	return bot.ActionEnvelope{ID: "2-" + itoa(envSeq), Channel: channel, ChatID: chat, Lang: "id", At: time.Now(),
		Action: flows.Action{Kind: kind, Args: args, Fields: fields}}
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

// deadLetters lists every unresolved dead letter.
func (e *env) deadLetters(ctx context.Context) ([]api.DeadLetter, error) {
	page, err := e.svc.DeadLetters(ctx, api.DeadLetterQuery{Size: api.MaxPageSize})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}
