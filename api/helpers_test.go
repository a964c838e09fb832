package api

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

// fakeNotifier records notices.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []bot.Outbound
	err  error
}

var _ bot.Notifier = (*fakeNotifier)(nil)

func (f *fakeNotifier) Notify(_ context.Context, m bot.Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeNotifier) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		out = append(out, m.Text)
	}
	return out
}

// startedFlow is one FlowStarter call.
type startedFlow struct{ Channel, Chat, Flow, Pending, Intro string }

type fakeFlows struct {
	mu      sync.Mutex
	started []startedFlow
}

var _ bot.FlowStarter = (*fakeFlows)(nil)

func (f *fakeFlows) StartFlow(_ context.Context, channel, chat, flow, pending, intro string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, startedFlow{channel, chat, flow, pending, intro})
	return nil
}

func (f *fakeFlows) all() []startedFlow {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]startedFlow(nil), f.started...)
}

func testCatalog(t testing.TB) *flows.Catalog {
	t.Helper()
	data, err := os.ReadFile("../flows/defaults/services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c flows.Catalog
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func testTexts(t testing.TB) *YAMLTexts {
	t.Helper()
	tx, err := LoadTexts("../flows/defaults/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

type env struct {
	svc    *Service
	notes  *fakeNotifier
	flows  *fakeFlows
	prefix string
	logs   *bottest.LogBuffer
}

func newEnv(t testing.TB, opts ...Option) *env {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	e := &env{notes: &fakeNotifier{}, flows: &fakeFlows{}, prefix: prefix}
	e.logs = &bottest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.svc = NewService(rdb, prefix, testCatalog(t), e.notes, e.flows, testTexts(t), log, opts...)
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
