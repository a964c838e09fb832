package telegram_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
)

func TestEndToEndComplaint(t *testing.T) {
	for _, mode := range []string{"webhook", "polling"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t, mode == "polling")
			c := w.citizen(501234567, 1000)
			number := c.fileComplaint()
			if len(number) != 10 {
				t.Fatalf("tracking number %q", number)
			}
			// the submit action carries the report with its photo
			shard := w.keys.Shard(bot.ChannelTelegram, c.chat)
			xs, err := w.rdb.XRange(context.Background(), w.keys.Actions(shard), "-", "+").Result()
			if err != nil {
				t.Fatal(err)
			}
			var submit *bot.ActionEnvelope
			for _, x := range xs {
				env, err := bot.DecodeAction(x)
				if err != nil {
					t.Fatal(err)
				}
				if env.Action.Kind == "submit" {
					submit = &env
				}
			}
			if submit == nil {
				t.Fatalf("no submit action among %d", len(xs))
			}
			a := submit.Action
			if a.Tracking != number || len(a.Photos) != 1 || a.Fields["identity"] != "anonim" ||
				a.Fields["title"] != "Jalan berlubang di depan SDN Waru 2" || submit.Channel != bot.ChannelTelegram || submit.ChatID != c.chat {
				t.Errorf("submit action %+v", submit)
			}
			if s := w.a.Stats(); s.Failed != 0 || s.Duplicates != 0 || s.Handled < 14 {
				t.Errorf("adapter stats %+v", s)
			}
			// Presses of inline buttons (the phone question's "Lewati" is a
			// reply-keyboard text button: a message, not a callback).
			if n := len(w.tg.CallsOf("answerCallbackQuery", "")); n != 6 {
				t.Errorf("%d callback answers, want 6 (one per press)", n)
			}
		})
	}
}

// TestEndToEndRedelivery: the same update 3 times at once and once later
// gives the replies of one delivery.
func TestEndToEndRedelivery(t *testing.T) {
	w := newWorld(t, false)
	ref := w.citizen(100, 1)
	ref.say("lapor")
	want := len(w.tg.Texts(ref.chat))

	c := w.citizen(200, 50)
	raw := c.u.Text("lapor")
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if code := w.post(raw); code != 200 {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	w.deliver(c.id, raw) // later
	if got := len(w.tg.Texts(c.chat)); got != want || want == 0 {
		t.Errorf("%d messages after 4 deliveries, want %d (one delivery)", got, want)
	}
	if s := w.a.Stats(); s.Duplicates != 3 {
		t.Errorf("duplicates = %d, want 3", s.Duplicates)
	}
}

// TestEndToEndPressStale: a button of a question that has passed changes
// nothing and is answered "that question has passed".
func TestEndToEndPressStale(t *testing.T) {
	w := newWorld(t, false)
	c := w.citizen(300, 1)
	c.say("lapor")
	q := c.press("complaint/category|")
	before := len(w.tg.Texts(c.chat))
	c.w.deliver(c.id, c.u.Callback(q.ID, q.Text, q.Buttons()[0].CallbackData))
	if got := len(w.tg.Texts(c.chat)); got != before {
		t.Errorf("a stale press sent %d messages", got-before)
	}
	answers := w.tg.CallsOf("answerCallbackQuery", "")
	if last := answers[len(answers)-1]; last.Form["text"] == "" {
		t.Errorf("stale press answered without the explanation")
	}
	if s := w.a.Stats(); s.Stale != 1 {
		t.Errorf("stale = %d", s.Stale)
	}
}

// TestEndToEndConcurrentChatUpdates: 10 updates of one chat at once; each is
// processed exactly once and the conversation stays coherent.
func TestEndToEndConcurrentChatUpdates(t *testing.T) {
	w := newWorld(t, false)
	c := w.citizen(400, 1)
	c.say("lapor")
	c.press("complaint/category|")
	before := len(w.tg.Texts(c.chat))
	var raws [][]byte
	for i := range 10 {
		raws = append(raws, c.u.Text("Pesan nomor "+strconv.Itoa(i)+" tentang jalan rusak di Waru"))
	}
	var wg sync.WaitGroup
	for _, raw := range raws {
		wg.Go(func() {
			if code := w.post(raw); code != 200 {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	w.pump.drainShard(t, w.keys.Shard(bot.ChannelTelegram, c.chat))
	// Whatever the order: one message became the title (-> the description
	// prompt), one the description (-> the roads service's own question, the
	// size of the damage), and the other 8 are not an answer to it (-> 8
	// re-asks of that question).
	var descPrompts, sizePrompts, reasks int
	for _, text := range w.tg.Texts(c.chat)[before:] {
		switch {
		case strings.HasPrefix(text, "Ceritakan masalahnya"):
			descPrompts++
		case strings.HasPrefix(text, "Seberapa besar"):
			sizePrompts++
		case strings.HasPrefix(text, "Pilih salah satu tombol") && strings.Contains(text, "Seberapa besar"):
			reasks++
		}
	}
	if descPrompts != 1 || sizePrompts != 1 || reasks != 8 {
		t.Errorf("%d description prompts, %d size questions, %d re-asks, want 1, 1 and 8: %q", descPrompts, sizePrompts, reasks,
			w.tg.Texts(c.chat)[before:])
	}
	if s := w.a.Stats(); s.Failed != 0 || s.Duplicates != 0 {
		t.Errorf("stats %+v", s)
	}
	data := regexp.MustCompile(`"callback_data":"([^"]+)"`).FindStringSubmatch(c.last().Markup)
	if data == nil {
		t.Fatalf("the size question has no buttons: %s", c.last().Markup)
	}
	c.press(data[1])
	c.say("hari ini")
	if m := c.last(); !strings.Contains(m.Markup, `"request_location":true`) {
		t.Errorf("after the date the location question should follow; got %q", m.Text)
	}
}

// TestEndToEndManyCitizens: 100 citizens file a complaint at once through the
// webhook. A measurement, logged, not asserted. Replies go out through the
// test pump (no rate limits: the adapter and dispatcher's own speed); with
// ADUAN_TG_MEASURE_LIMITS=1 also through the real reply sender with
// Telegram's default limits (about a minute: 30 messages/s overall).
func TestEndToEndManyCitizens(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	modes := []worldOptions{{}}
	if os.Getenv("ADUAN_TG_MEASURE_LIMITS") == "1" {
		modes = append(modes, worldOptions{sender: true, limits: bot.DefaultLimits()})
	}
	for _, opt := range modes {
		name := "pump"
		if opt.sender {
			name = "reply-sender-default-limits"
		}
		t.Run(name, func(t *testing.T) { manyCitizens(t, newWorldWith(t, opt), 100) })
	}
}

func manyCitizens(t *testing.T, w *world, n int) {
	start := time.Now()
	var wg sync.WaitGroup
	numbers := make([]string, n)
	for i := range n {
		wg.Go(func() {
			c := w.citizen(int64(10_000+i), int64(1_000_000+i*1000))
			numbers[i] = c.fileComplaint()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	seen := map[string]bool{}
	for i, num := range numbers {
		if num == "" || seen[num] {
			t.Errorf("citizen %d: tracking number %q missing or repeated", i, num)
		}
		seen[num] = true
	}
	s := w.a.Stats()
	replies := len(w.tg.CallsOf("sendMessage", ""))
	t.Logf("%d citizens, %d updates, %d replies in %s: %.0f updates/s, %.0f replies/s",
		n, s.Handled, replies, elapsed.Round(time.Millisecond),
		float64(s.Handled)/elapsed.Seconds(), float64(replies)/elapsed.Seconds())
	if s.Failed != 0 {
		t.Errorf("%d updates failed", s.Failed)
	}
}
