package telegram_test

import (
	"context"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// TestEndToEndWithReplySender: the real reply sender delivers through the
// adapter; the adapter's SendError classification drives its retry and
// unreachable handling.
func TestEndToEndWithReplySender(t *testing.T) {
	w := newWorldWith(t, worldOptions{sender: true})
	c := w.citizen(501234567, 1)
	if number := c.fileComplaint(); len(number) != 10 {
		t.Fatalf("tracking number %q", number)
	}

	// 429 with retry_after: delivered after the wait, once.
	w.tg.Fail("sendMessage", c.chat, telegramtest.TooManyRequests(1), 1)
	before := len(w.tg.Texts(c.chat))
	start := time.Now()
	c.say("status")
	if got := len(w.tg.Texts(c.chat)); got <= before {
		t.Fatalf("no reply after a 429")
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("reply after a 429 with retry_after 1 came after %s", waited)
	}

	// 403: the chat is marked unreachable, the reply is not retried.
	w.tg.Fail("sendMessage", c.chat, telegramtest.Blocked, -1)
	calls := len(w.tg.CallsOf("sendMessage", c.chat))
	c.say("bantuan")
	key := w.keys.Unreachable(bot.ChannelTelegram, c.chat)
	deadline := time.Now().Add(10 * time.Second)
	for w.rdb.Exists(context.Background(), key).Val() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if w.rdb.Exists(context.Background(), key).Val() == 0 {
		t.Errorf("a blocked chat was not marked unreachable")
	}
	if n := len(w.tg.CallsOf("sendMessage", c.chat)) - calls; n != 1 {
		t.Errorf("%d send attempts to a blocked chat, want 1", n)
	}
}
