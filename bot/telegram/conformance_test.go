package telegram

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// telegramDriver acts as Telegram would: updates posted to the real webhook
// route, buttons pressed from the keyboard the adapter actually sent, photos
// fetched from the fake Bot API with getFile.
type telegramDriver struct {
	env     *testEnv
	e       *echo.Echo
	u       *telegramtest.Updates
	files   int
	chatID  string
	secret  string
	handled int
}

func (d *telegramDriver) post(t *testing.T, raw []byte) bot.Inbound {
	t.Helper()
	if code := postWebhook(t, d.e, d.secret, raw); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	ins := d.env.h.inbound()
	if len(ins) != d.handled+1 {
		t.Fatalf("update gave %d messages", len(ins)-d.handled)
	}
	d.handled++
	return ins[len(ins)-1]
}

func (d *telegramDriver) Do(t *testing.T, act bottest.Act) (bot.Inbound, bool) {
	switch act.Kind {
	case bottest.ActText:
		return d.post(t, d.u.Text(act.Text)), true
	case bottest.ActPress:
		q := act.Question
		q.ChatID = d.chatID
		if err := d.env.a.Send(context.Background(), q); err != nil {
			t.Fatal(err)
		}
		msgs := d.env.tg.Messages(d.chatID)
		sent := msgs[len(msgs)-1]
		buttons := sent.Buttons()
		if len(buttons) <= act.Press {
			t.Fatalf("the question was sent with %d buttons", len(buttons))
		}
		return d.post(t, d.u.Callback(sent.ID, sent.Text, buttons[act.Press].CallbackData)), true
	case bottest.ActLocation:
		return d.post(t, d.u.Location(act.Lat, act.Lon)), true
	case bottest.ActPhoto:
		d.files++
		id := fmt.Sprintf("photo-%d", d.files)
		d.env.tg.AddFile(id, "photos/"+id+".png", act.Photo)
		return d.post(t, d.u.Photo("", id)), true
	case bottest.ActContact:
		return d.post(t, d.u.Contact(act.Phone)), true
	case bottest.ActVoice:
		return d.post(t, d.u.Voice()), true
	}
	return bot.Inbound{}, false
}

func (d *telegramDriver) Show(t *testing.T, msg bot.Outbound) bottest.Shown {
	msg.ChatID = d.chatID
	before := len(d.env.tg.Messages(d.chatID))
	if err := d.env.a.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	var shown bottest.Shown
	for _, m := range d.env.tg.Messages(d.chatID)[before:] {
		shown.Text += m.Text + "\n"
		for _, b := range m.Buttons() {
			shown.Choices = append(shown.Choices, b.Text)
		}
	}
	return shown
}

func TestConformance(t *testing.T) {
	bottest.Conformance(t, bot.ChannelTelegram, func(t *testing.T) bottest.Driver {
		media, err := bot.NewDirMediaStore(filepath.Join(t.TempDir(), "media"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		env := newEnv(t, "https://aduan.example.go.id", media)
		e := echo.New()
		env.a.Register(e, DefaultWebhookPath)
		return &telegramDriver{env: env, e: e, u: telegramtest.NewUpdates(5550001, "id", 9000),
			chatID: "5550001", secret: "s3cret_Token-1"}
	})
}
