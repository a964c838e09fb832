package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aduan-id/aduan/bot"
)

// fakeLinker answers through the outbound stream, as the console's linker
// does, and can be made to fail (Redis down).
type fakeLinker struct {
	mu    sync.Mutex
	calls []string // "chat message lang code"
	fail  error
	queue *bot.QueueNotifier
}

func (f *fakeLinker) LinkAdmin(ctx context.Context, chatID, messageID, lang, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, strings.Join([]string{chatID, messageID, lang, code}, " "))
	if f.fail != nil {
		return f.fail
	}
	return f.queue.NotifyOnce(ctx, "link:"+messageID, bot.Outbound{Channel: bot.ChannelTelegram, ChatID: chatID,
		Lang: "id", Text: "Akun konsol r***@sidoarjo.go.id terhubung untuk peringatan."})
}

func (f *fakeLinker) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// /start adm_<code> from a private chat goes to the admin linker, never to
// the citizens' conversation; the webhook answers 200 only once the linker
// committed, 503 (Telegram redelivers) when it could not.
func TestAdminLinkGoesToTheLinker(t *testing.T) {
	w := newWorld(t, false)
	l := &fakeLinker{queue: bot.NewNotifier(w.rdb, w.keys)}
	w.a.SetAdminLinker(l)
	admin := w.citizen(777001, 500)

	tests := []struct {
		name, text string
		fail       error
		wantStatus int
		wantCall   string // "" : the linker is not called
	}{
		{"deep link", "/start adm_k3y9q2mxw7ab", nil, http.StatusOK, "777001 u500 id k3y9q2mxw7ab"},
		{"command with the bot's name", "/start@aduan_test_bot adm_abc", nil, http.StatusOK, "777001 u501 id abc"},
		{"Redis down: 503", "/start adm_zzz", errors.New("redis: connection refused"), http.StatusServiceUnavailable, "777001 u502 id zzz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l.mu.Lock()
			l.fail = tc.fail
			l.mu.Unlock()
			before := len(l.seen())
			if got := w.post(admin.u.Text(tc.text)); got != tc.wantStatus {
				t.Fatalf("webhook status %d, want %d", got, tc.wantStatus)
			}
			calls := l.seen()[before:]
			if len(calls) != 1 || calls[0] != tc.wantCall {
				t.Fatalf("linker calls %q, want %q", calls, tc.wantCall)
			}
		})
	}
	w.waitSent(w.keys.Shard(bot.ChannelTelegram, admin.chat))
	texts := w.tg.Texts(admin.chat)
	if len(texts) != 2 || !strings.Contains(texts[0], "terhubung untuk peringatan") {
		t.Errorf("the admin's chat got %q, want the linker's two answers only", texts)
	}
	if n, _ := w.rdb.Exists(context.Background(), w.keys.Session(bot.ChannelTelegram, admin.chat)).Result(); n != 0 {
		t.Error("a citizen conversation was started for an admin linking alerts")
	}
	if got := w.a.Stats().Failed; got != 1 {
		t.Errorf("Stats().Failed = %d, want 1 (the 503)", got)
	}
}

// Everything else still goes to the citizens' flow: /start with a tracking
// number, /start alone, and /start adm_… when no linker is set.
func TestAdminLinkLeavesCitizensAlone(t *testing.T) {
	tests := []struct {
		name, text string
		linker     bool
		want       string // in the bot's first answer
	}{
		{"plain start", "/start", true, "Selamat datang"},
		{"status deep link", "/start SDA-7KQ2MX", true, ""}, // a status action for the action worker
		{"a citizen typing adm_ without the command", "adm_abc", true, ""},
		{"no linker configured", "/start adm_abc", false, "Selamat datang"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, false)
			l := &fakeLinker{queue: bot.NewNotifier(w.rdb, w.keys)}
			if tc.linker {
				w.a.SetAdminLinker(l)
			}
			c := w.citizen(int64(600100+i), 900)
			c.say(tc.text)
			if calls := l.seen(); len(calls) != 0 {
				t.Fatalf("linker called: %q", calls)
			}
			if n, _ := w.rdb.Exists(context.Background(), w.keys.Session(bot.ChannelTelegram, c.chat)).Result(); n != 1 {
				t.Error("no citizen conversation")
			}
			if texts := w.tg.Texts(c.chat); tc.want != "" && (len(texts) == 0 || !strings.Contains(texts[0], tc.want)) {
				t.Errorf("citizen's answers %q, want the first to contain %q", texts, tc.want)
			}
		})
	}
}

func TestAdminLinkBotUsername(t *testing.T) {
	w := newWorld(t, false)
	for range 2 {
		name, err := w.a.BotUsername(context.Background())
		if err != nil || name != "aduan_test_bot" {
			t.Fatalf("BotUsername() = %q, %v", name, err)
		}
	}
	if n := len(w.tg.CallsOf("getMe", "")); n != 2 { // Setup's, and one for the username
		t.Errorf("getMe called %d times, want 2 (the username is remembered)", n)
	}
}
