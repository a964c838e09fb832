package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/bot"
)

// actions returns the actions committed for a chat.
func (w *world) actions(chat string) []bot.ActionEnvelope {
	w.t.Helper()
	xs, err := w.rdb.XRange(context.Background(), w.keys.Actions(w.keys.Shard(bot.ChannelTelegram, chat)), "-", "+").Result()
	if err != nil {
		w.t.Fatal(err)
	}
	var out []bot.ActionEnvelope
	for _, x := range xs {
		env, err := bot.DecodeAction(x)
		if err != nil {
			w.t.Fatal(err)
		}
		if env.ChatID == chat {
			out = append(out, env)
		}
	}
	return out
}

// TestEndToEndDeepLinkStatus: "/start SDA-XXXXXX" from a t.me deep link asks
// for that report's status.
func TestEndToEndDeepLinkStatus(t *testing.T) {
	w := newWorld(t, false)
	c := w.citizen(600, 1)
	number := c.fileComplaint()
	c.w.deliver(c.id, c.u.Text("/start@aduan_test_bot "+number))
	acts := w.actions(c.chat)
	last := acts[len(acts)-1]
	if last.Action.Kind != "status" || last.Action.Args["number"] != number {
		t.Errorf("last action %+v, want status of %s", last.Action, number)
	}
}

// TestEndToEndUnsupportedMedia: a sticker or a voice note at a text step is
// re-asked and does not advance the flow.
func TestEndToEndUnsupportedMedia(t *testing.T) {
	w := newWorld(t, false)
	c := w.citizen(700, 1)
	c.say("lapor")
	c.press("complaint/category|")
	titlePrompt := c.last().Text
	for _, raw := range [][]byte{c.u.Sticker(), c.u.Voice()} {
		before := len(w.tg.Texts(c.chat))
		c.w.deliver(c.id, raw)
		texts := w.tg.Texts(c.chat)
		if len(texts) == before {
			t.Fatalf("no re-ask after unsupported media")
		}
		// One message: what was wrong, then the title question again.
		if got := texts[len(texts)-1]; got == titlePrompt || !strings.HasSuffix(got, "\n\n"+titlePrompt) {
			t.Errorf("after unsupported media the bot said %q, want a refusal and the title question again", got)
		}
	}
	c.say("Lampu jalan mati di Jl. Raya Waru")
	if strings.Contains(c.last().Text, titlePrompt) {
		t.Errorf("a valid title did not advance the flow")
	}
}
