package telegram

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
)

func postWebhook(t *testing.T, e *echo.Echo, secret string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, DefaultWebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhook(t *testing.T) {
	text, err := os.ReadFile("testdata/text.json")
	if err != nil {
		t.Fatal(err)
	}
	sticker, _ := os.ReadFile("testdata/sticker.json")
	edited, _ := os.ReadFile("testdata/edited_message.json")
	group, _ := os.ReadFile("testdata/group_message.json")
	big := append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	big = append(big, `"}}`...)
	tests := []struct {
		name      string
		secret    string
		body      []byte
		handleErr error
		want      int
		handled   int // inbound messages the handler committed
		check     func(t *testing.T, s Stats)
	}{
		{name: "ok", secret: "s3cret_Token-1", body: text, want: 200, handled: 1,
			check: func(t *testing.T, s Stats) { expect(t, "handled", s.Handled, 1) }},
		{name: "unsupported sticker reaches the engine", secret: "s3cret_Token-1", body: sticker, want: 200, handled: 1},
		{name: "missing secret", body: text, want: 401,
			check: func(t *testing.T, s Stats) { expect(t, "unauthorized", s.Unauthorized, 1) }},
		{name: "wrong secret", secret: "s3cret_Token-2", body: text, want: 401},
		{name: "secret prefix", secret: "s3cret", body: text, want: 401},
		{name: "2 MB body", secret: "s3cret_Token-1", body: big, want: 413,
			check: func(t *testing.T, s Stats) { expect(t, "too large", s.TooLarge, 1) }},
		{name: "malformed JSON", secret: "s3cret_Token-1", body: []byte(`{"update_id":1,"message":`), want: 200,
			check: func(t *testing.T, s Stats) { expect(t, "malformed", s.Malformed, 1) }},
		{name: "not an object", secret: "s3cret_Token-1", body: []byte(`[1,2,3]`), want: 200,
			check: func(t *testing.T, s Stats) { expect(t, "malformed", s.Malformed, 1) }},
		{name: "empty body", secret: "s3cret_Token-1", body: nil, want: 200,
			check: func(t *testing.T, s Stats) { expect(t, "malformed", s.Malformed, 1) }},
		{name: "unknown update type", secret: "s3cret_Token-1", body: []byte(`{"update_id":9,"chat_boost":{"x":1}}`), want: 200,
			check: func(t *testing.T, s Stats) { expect(t, "ignored", s.Ignored, 1) }},
		{name: "edited message", secret: "s3cret_Token-1", body: edited, want: 200,
			check: func(t *testing.T, s Stats) { expect(t, "ignored", s.Ignored, 1) }},
		{name: "group message", secret: "s3cret_Token-1", body: group, want: 200},
		{name: "handler error -> 503", secret: "s3cret_Token-1", body: text, handleErr: errors.New("redis: connection refused"), want: 503,
			check: func(t *testing.T, s Stats) { expect(t, "failed", s.Failed, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "https://aduan.example.go.id", nil)
			env.h.fn = func(bot.Inbound) (bot.Outcome, error) { return bot.Outcome{}, tt.handleErr }
			e := echo.New()
			env.a.Register(e, "")
			if got := postWebhook(t, e, tt.secret, tt.body); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
			if got := len(env.h.inbound()); got != tt.handled {
				t.Errorf("handler committed %d messages, want %d", got, tt.handled)
			}
			if tt.check != nil {
				tt.check(t, env.a.Stats())
			}
			if strings.Contains(env.logs.String(), "Waru") || strings.Contains(env.logs.String(), "aaaa") {
				t.Errorf("a message body reached the logs: %s", env.logs.String())
			}
		})
	}
}

func TestWebhookMethodNotAllowed(t *testing.T) {
	env := newEnv(t, "https://aduan.example.go.id", nil)
	e := echo.New()
	env.a.Register(e, "/tg")
	req := httptest.NewRequest(http.MethodGet, "/tg", nil)
	req.Header.Set(SecretHeader, "s3cret_Token-1")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET status = %d, want 405", rec.Code)
	}
}

func TestWebhookSecretDerived(t *testing.T) {
	cfg, err := Config{Token: "1:abc", PublicURL: "https://x.example"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Config{Token: "1:abc", PublicURL: "https://x.example"}.withDefaults()
	other, _ := Config{Token: "1:abd", PublicURL: "https://x.example"}.withDefaults()
	if !validSecret(cfg.WebhookSecret) || cfg.WebhookSecret != again.WebhookSecret || cfg.WebhookSecret == other.WebhookSecret {
		t.Errorf("derived secret %q (again %q, other token %q): want valid, stable, token-bound", cfg.WebhookSecret, again.WebhookSecret, other.WebhookSecret)
	}
	for _, bad := range []string{"has space", "semi;colon", strings.Repeat("a", 257), "ünï"} {
		if _, err := (Config{Token: "1:abc", WebhookSecret: bad}).withDefaults(); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
	if _, err := (Config{Token: "1:abc", WebhookSecret: strings.Repeat("a", 256)}).withDefaults(); err != nil {
		t.Errorf("256-character secret refused: %v", err)
	}
}

func expect(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

func TestWebhookHandlerPanicIsAcknowledged(t *testing.T) {
	env := newEnv(t, "https://aduan.example.go.id", nil)
	env.h.fn = func(bot.Inbound) (bot.Outcome, error) { panic("bug") }
	e := echo.New()
	env.a.Register(e, "")
	text, _ := os.ReadFile("testdata/text.json")
	if got := postWebhook(t, e, "s3cret_Token-1", text); got != 200 {
		t.Errorf("status %d, want 200", got)
	}
	if s := env.a.Stats(); s.Panics != 1 {
		t.Errorf("panics = %d, want 1", s.Panics)
	}
}
