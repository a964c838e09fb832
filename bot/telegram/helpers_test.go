package telegram

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// recorder is a bot.Handler fake: it records inbound messages and answers
// with fn (nil: an accepted, non-duplicate outcome).
type recorder struct {
	mu  sync.Mutex
	ins []bot.Inbound
	fn  func(in bot.Inbound) (bot.Outcome, error)
}

var _ bot.Handler = (*recorder)(nil)

func (r *recorder) Handle(ctx context.Context, in bot.Inbound) (bot.Outcome, error) {
	r.mu.Lock()
	fn := r.fn
	r.mu.Unlock()
	var out bot.Outcome
	var err error
	if fn != nil {
		out, err = fn(in)
	}
	if err == nil {
		r.mu.Lock()
		r.ins = append(r.ins, in)
		r.mu.Unlock()
	}
	return out, err
}

func (r *recorder) inbound() []bot.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Inbound(nil), r.ins...)
}

// fileTexts is the adapter's texts read from flows/defaults/telegram.yaml
// (the lead's *flows.Set serves the same file in production).
type fileTexts map[string]map[string]string

func loadTexts(t testing.TB) fileTexts {
	t.Helper()
	raw, err := os.ReadFile("../../flows/defaults/telegram.yaml")
	if err != nil {
		t.Fatalf("read texts: %v", err)
	}
	var doc struct {
		Messages fileTexts `yaml:"messages"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse texts: %v", err)
	}
	return doc.Messages
}

func (f fileTexts) Message(lang, key string, vars map[string]string) string {
	m, ok := f[key]
	if !ok {
		return key
	}
	s := m[lang]
	if s == "" {
		s = m["id"]
	}
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

type testEnv struct {
	a    *Adapter
	tg   *telegramtest.Server
	h    *recorder
	logs *bottest.LogBuffer
}

// newEnv builds an adapter against a fake Bot API. publicURL "" = polling.
func newEnv(t *testing.T, publicURL string, media bot.MediaStore) *testEnv {
	t.Helper()
	fake := telegramtest.New(t)
	h := &recorder{}
	logs := &bottest.LogBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := New(context.Background(), Config{
		Token: fake.Token, APIURL: fake.URL, PublicURL: publicURL, WebhookSecret: "s3cret_Token-1",
	}, h, media, loadTexts(t), log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), fake.Token) {
			t.Errorf("the token appeared in the logs")
		}
	})
	return &testEnv{a: a, tg: fake, h: h, logs: logs}
}
