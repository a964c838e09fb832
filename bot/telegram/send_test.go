package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
	"github.com/aduan-id/aduan/flows"
)

func TestSendKeyboards(t *testing.T) {
	kec := []flows.Choice{{Value: "waru", Label: "Waru"}, {Value: "taman", Label: "Taman"}, {Value: "candi", Label: "Candi"}}
	long := []flows.Choice{{Value: "jalan", Label: "Jalan dan jembatan"}, {Value: "banjir", Label: "Banjir dan saluran air"}}
	tests := []struct {
		name    string
		msg     bot.Outbound
		markups []string // reply_markup of each sendMessage, in order
	}{
		{name: "plain text removes a request keyboard",
			msg:     bot.Outbound{Text: "Terima kasih."},
			markups: []string{`{"remove_keyboard":true}`}},
		{name: "short choices two per row",
			msg: bot.Outbound{Text: "Kecamatan?", Step: "kecamatan", Choices: kec},
			markups: []string{`{"inline_keyboard":[[{"text":"Waru","callback_data":"kecamatan|waru"},{"text":"Taman","callback_data":"kecamatan|taman"}],` +
				`[{"text":"Candi","callback_data":"kecamatan|candi"}]]}`}},
		{name: "long labels one per row",
			msg: bot.Outbound{Text: "Kategori?", Step: "category", Choices: long},
			markups: []string{`{"inline_keyboard":[[{"text":"Jalan dan jembatan","callback_data":"category|jalan"}],` +
				`[{"text":"Banjir dan saluran air","callback_data":"category|banjir"}]]}`}},
		{name: "ask location",
			msg:     bot.Outbound{Text: "Di mana lokasinya? Ketik alamat atau kirim lokasi.", Ask: flows.AskLocation, Step: "location"},
			markups: []string{`{"keyboard":[[{"text":"📍 Kirim lokasi saya","request_location":true}]],"resize_keyboard":true,"one_time_keyboard":true}`}},
		{name: "ask contact in English",
			msg:     bot.Outbound{Text: "Your phone number?", Lang: "en", Ask: flows.AskContact, Step: "phone"},
			markups: []string{`{"keyboard":[[{"text":"📱 Share my number","request_contact":true}]],"resize_keyboard":true,"one_time_keyboard":true}`}},
		{name: "ask contact with a skip choice: one message, the choice as a text button",
			msg:     bot.Outbound{Text: "Nomor HP? (boleh dilewati)", Ask: flows.AskContact, Step: "phone", Choices: []flows.Choice{{Value: "skip", Label: "Lewati"}}},
			markups: []string{`{"keyboard":[[{"text":"📱 Bagikan nomor saya","request_contact":true}],[{"text":"Lewati"}]],"resize_keyboard":true,"one_time_keyboard":true}`}},
		{name: "long text: keyboard on the last piece only",
			msg:     bot.Outbound{Text: strings.Repeat("Ringkasan laporan. ", 300), Step: "confirm", Choices: []flows.Choice{{Value: "yes", Label: "Kirim"}}},
			markups: []string{``, `{"inline_keyboard":[[{"text":"Kirim","callback_data":"confirm|yes"}]]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "", nil)
			tt.msg.Channel, tt.msg.ChatID = bot.ChannelTelegram, "501234567"
			if err := env.a.Send(context.Background(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			calls := env.tg.CallsOf("sendMessage", "501234567")
			if len(calls) != len(tt.markups) {
				t.Fatalf("%d sendMessage calls, want %d", len(calls), len(tt.markups))
			}
			for i, c := range calls {
				if got := c.Form["reply_markup"]; !sameMarkup(t, got, tt.markups[i]) {
					t.Errorf("message %d reply_markup\n got %s\nwant %s", i, got, tt.markups[i])
				}
			}
		})
	}
}

// sameMarkup compares reply_markup JSON by meaning, ignoring
// go-telegram/bot's `"copy_text":{"text":""}` (sent on every inline button;
// Telegram accepts it).
func sameMarkup(t *testing.T, got, want string) bool {
	t.Helper()
	if got == "" || want == "" {
		return got == want
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("reply_markup is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expected markup: %v", err)
	}
	if m, ok := g.(map[string]any); ok {
		if rows, ok := m["inline_keyboard"].([]any); ok {
			for _, r := range rows {
				for _, b := range r.([]any) {
					bm := b.(map[string]any)
					if ct, ok := bm["copy_text"].(map[string]any); ok && ct["text"] == "" {
						delete(bm, "copy_text")
					}
				}
			}
		}
	}
	return reflect.DeepEqual(g, w)
}

func TestSendSplitsByteExact(t *testing.T) {
	text := strings.Repeat("Jalan rusak 🕳️ di Waru\r\n", 200) + strings.Repeat("👨\u200d👩\u200d👧", 900) + "مرحبا\x00*_`"
	env := newEnv(t, "", nil)
	if err := env.a.Send(context.Background(), bot.Outbound{ChatID: "42", Text: text}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	sent := env.tg.Texts("42")
	if len(sent) < 2 {
		t.Fatalf("%d messages, want the text split", len(sent))
	}
	if strings.Join(sent, "") != text {
		t.Errorf("the sent pieces differ from the text")
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name        string
		fail        telegramtest.Failure
		msg         bot.Outbound
		ok          bool
		unreachable bool
		permanent   bool
		retryAfter  time.Duration
	}{
		{name: "429", fail: telegramtest.TooManyRequests(7), retryAfter: 7 * time.Second},
		{name: "403 blocked", fail: telegramtest.Blocked, unreachable: true},
		{name: "403 deactivated", fail: telegramtest.Failure{Code: 403, Description: "Forbidden: user is deactivated"}, unreachable: true},
		{name: "400", fail: telegramtest.BadRequest, permanent: true},
		{name: "400 chat not found", fail: telegramtest.Failure{Code: 400, Description: "Bad Request: chat not found"}, unreachable: true},
		{name: "400 not modified", fail: telegramtest.Failure{Code: 400, Description: "Bad Request: message is not modified"}, ok: true},
		{name: "500", fail: telegramtest.Internal},
		{name: "502", fail: telegramtest.Failure{Code: 502, Description: "Bad Gateway"}},
		{name: "callback data over 64 bytes", msg: bot.Outbound{Text: "?", Step: strings.Repeat("s", 40), Choices: []flows.Choice{{Value: strings.Repeat("v", 24), Label: "x"}}}, permanent: true},
		{name: "bad chat id", msg: bot.Outbound{ChatID: "abc", Text: "x"}, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "", nil)
			if tt.fail.Code != 0 {
				env.tg.Fail("sendMessage", "42", tt.fail, 1)
			}
			msg := tt.msg
			if msg.ChatID == "" {
				msg.ChatID = "42"
			}
			if msg.Text == "" {
				msg.Text = "halo"
			}
			err := env.a.Send(context.Background(), msg)
			if tt.ok {
				if err != nil {
					t.Fatalf("Send: %v, want success", err)
				}
				return
			}
			se, ok := bot.AsSendError(err)
			if !ok {
				t.Fatalf("error %v is not a *bot.SendError", err)
			}
			if se.Unreachable != tt.unreachable || se.Permanent != tt.permanent || se.RetryAfter != tt.retryAfter {
				t.Errorf("SendError{Unreachable:%v Permanent:%v RetryAfter:%v}, want {%v %v %v}",
					se.Unreachable, se.Permanent, se.RetryAfter, tt.unreachable, tt.permanent, tt.retryAfter)
			}
			if wantRetry := !tt.unreachable && !tt.permanent; se.Retryable() != wantRetry {
				t.Errorf("Retryable = %v, want %v", se.Retryable(), wantRetry)
			}
		})
	}
}

func TestSendNetworkErrorIsRetryable(t *testing.T) {
	env := newEnv(t, "", nil)
	env.tg.Close()
	err := env.a.Send(context.Background(), bot.Outbound{ChatID: "42", Text: "halo"})
	se, ok := bot.AsSendError(err)
	if !ok || !se.Retryable() {
		t.Fatalf("error %v: want a retryable *bot.SendError", err)
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("the token is in the error: %v", err)
	}
}

// TestClassifyWrapped checks that wrapping never changes the verdict (the
// library's IsTooManyRequestsError would fail here).
func TestClassifyWrapped(t *testing.T) {
	wrap := func(err error) error { return errors.Join(errors.New("context"), err) }
	tooMany := &tg.TooManyRequestsError{Message: "too many requests", RetryAfter: 3}
	se, ok := bot.AsSendError(classify(wrap(tooMany)))
	if !ok || se.RetryAfter != 3*time.Second {
		t.Errorf("wrapped 429: %+v", se)
	}
	se, ok = bot.AsSendError(classify(wrap(tg.ErrorForbidden)))
	if !ok || !se.Unreachable {
		t.Errorf("wrapped 403: %+v", se)
	}
}

// TestSendResumesSplitMessage: when the second piece of a long message fails
// (429), the retry sends only what is missing.
func TestSendResumesSplitMessage(t *testing.T) {
	env := newEnv(t, "", nil)
	text := strings.Repeat("Uraian panjang laporan warga. ", 250) // ~7500 characters: 2 pieces
	env.tg.FailAfter("sendMessage", "42", 1, telegramtest.TooManyRequests(1), 1)
	msg := bot.Outbound{ID: "1764460800000-0", ChatID: "42", Text: text}
	err := env.a.Send(context.Background(), msg)
	if se, ok := bot.AsSendError(err); !ok || se.RetryAfter != time.Second {
		t.Fatalf("first attempt: %v, want a 429 SendError", err)
	}
	if err := env.a.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	sent := env.tg.Texts("42")
	if len(sent) != 2 || strings.Join(sent, "") != text {
		t.Errorf("%d messages delivered; want the 2 pieces once each, joining to the text", len(sent))
	}
	// a message without an ID is sent whole every time
	if err := env.a.Send(context.Background(), bot.Outbound{ChatID: "42", Text: text}); err != nil {
		t.Fatal(err)
	}
	if n := len(env.tg.Texts("42")); n != 4 {
		t.Errorf("%d messages after a second, ID-less send; want 4", n)
	}
}
