package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
	"github.com/aduan-id/aduan/flows"
)

func TestSend(t *testing.T) {
	known := testPN.String()
	stranger := whatsapptest.PN("6289999999999").String()
	tests := []struct {
		name       string
		chat       string
		setup      func(e *env)
		wantSent   bool
		permanent  bool
		retryAfter time.Duration
		wantErr    error
	}{
		{"known chat", known, nil, true, false, 0, nil},
		{"never wrote first", stranger, nil, false, true, 0, ErrNotKnown},
		{"not a JID", "hello", nil, false, true, 0, ErrBadChat},
		{"a group", "120363000000000000@g.us", nil, false, true, 0, ErrBadChat},
		{"device JID", "6281234567890:3@s.whatsapp.net", nil, false, true, 0, whatsmeow.ErrRecipientADJID},
		{"not connected", known, func(e *env) { e.fake.Disconnect() }, false, false, 0, whatsmeow.ErrNotConnected},
		{"send timed out", known, func(e *env) {
			e.fake.SendErr = func(types.JID, types.MessageID) error { return whatsmeow.ErrMessageTimedOut }
		}, false, false, 0, whatsmeow.ErrMessageTimedOut},
		{"logged out: queued", known, func(e *env) { e.fake.Kick(&eventsLoggedOut) }, false, false, unhealthyRetry, ErrUnhealthy},
		{"banned: queued", known, func(e *env) { e.fake.Kick(&eventsBan) }, false, false, unhealthyRetry, ErrUnhealthy},
		{"standby: elsewhere", known, func(e *env) { e.a.setHealth(StateStandby, "") }, false, false, standbyRetry, ErrStandby},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			if err := e.rdb.Set(ctx, knownKey(e.keys, known), "1", time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			if err := e.fake.Connect(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "connected", func() bool { return e.a.Health().State == StateConnected })
			if tt.setup != nil {
				tt.setup(e)
			}
			err := e.a.Send(ctx, bot.Outbound{ID: "1700000000000-0", Channel: bot.ChannelWhatsApp, ChatID: tt.chat, Text: "Terima kasih."})
			if sent := len(e.fake.Sent()) == 1; sent != tt.wantSent {
				t.Fatalf("sent = %v, err = %v", sent, err)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			se, ok := bot.AsSendError(err)
			if !ok {
				t.Fatalf("err %v is not a *bot.SendError", err)
			}
			if !errors.Is(err, tt.wantErr) || se.Permanent != tt.permanent || se.RetryAfter != tt.retryAfter {
				t.Fatalf("err = %v (permanent %v, retry after %s)", err, se.Permanent, se.RetryAfter)
			}
		})
	}
}

func TestSendIsIdempotentByEntryID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.rdb.Set(ctx, knownKey(e.keys, testPN.String()), "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.Connect(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "connected", func() bool { return e.a.Health().State == StateConnected })
	msg := bot.Outbound{ID: "1700000000000-0", ChatID: testPN.String(), Text: "Laporan diterima."}
	other := msg
	other.ID = "1700000000000-1"
	for _, m := range []bot.Outbound{msg, msg, other} {
		if err := e.a.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	sent := e.fake.Sent()
	if sent[0].ID == "" || sent[0].ID != sent[1].ID || sent[0].ID == sent[2].ID {
		t.Fatalf("ids = %s %s %s: a retry must reuse the id, another entry must not", sent[0].ID, sent[1].ID, sent[2].ID)
	}
	if !strings.HasPrefix(string(sent[0].ID), whatsmeow.WebMessageIDPrefix) || len(sent[0].ID) != 22 {
		t.Fatalf("id %q is not in whatsmeow's format", sent[0].ID)
	}
}

func TestRender(t *testing.T) {
	e := newEnv(t)
	choices := []flows.Choice{{Value: "roads", Label: "Jalan dan jembatan"}, {Value: "flood", Label: "Banjir dan drainase"}}
	tests := []struct {
		name string
		msg  bot.Outbound
		want string
	}{
		{"plain", bot.Outbound{Text: "Halo!"}, "Halo!"},
		{"menu id", bot.Outbound{Lang: "id", Text: "Pilih kategori:", Choices: choices},
			"Pilih kategori:\n\n1. Jalan dan jembatan\n2. Banjir dan drainase\n\nBalas dengan angka atau kata pilihan."},
		{"menu en", bot.Outbound{Lang: "en", Text: "Pick a category:", Choices: choices},
			"Pick a category:\n\n1. Jalan dan jembatan\n2. Banjir dan drainase\n\nReply with the number or the word."},
		{"location", bot.Outbound{Lang: "id", Text: "Di mana lokasinya?", Ask: flows.AskLocation},
			"Di mana lokasinya?\n\n" + loadTexts(t)[MsgAskLocation]["id"]},
		{"contact", bot.Outbound{Lang: "en", Text: "Your number?", Ask: flows.AskContact},
			"Your number?\n\n" + loadTexts(t)[MsgAskContact]["en"]},
		{"photo with skip", bot.Outbound{Lang: "id", Text: "Kirim foto.", Ask: flows.AskPhoto, Choices: []flows.Choice{{Value: "skip", Label: "Lewati"}}},
			"Kirim foto.\n\n1. Lewati\n\nBalas dengan angka atau kata pilihan.\n\n" + loadTexts(t)[MsgAskPhoto]["id"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.a.render(tt.msg); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestTextsFileHasEveryKey(t *testing.T) {
	texts := loadTexts(t)
	for _, k := range MessageKeys() {
		if texts[k]["id"] == "" || texts[k]["en"] == "" {
			t.Errorf("flows/defaults/whatsapp.yaml: %s needs id and en", k)
		}
	}
	// Without texts the adapter still says something sensible.
	a := &Adapter{}
	for _, k := range MessageKeys() {
		if a.text("id", k) == "" || a.text("en", k) == "" || a.text("id", k) == k {
			t.Errorf("no fallback for %s", k)
		}
	}
}
