package telegram_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// poll runs a.RunPolling until the returned stop is called (or the test
// ends).
func (w *world) poll(a *telegram.Adapter) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.RunPolling(ctx); err != nil {
			w.t.Errorf("RunPolling: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	w.t.Cleanup(stop)
	return stop
}

// categoryPress brings c to the category question and returns the update of
// a press of its first button (not delivered yet).
func (c *citizen) categoryPress() []byte {
	c.w.t.Helper()
	c.say("lapor")
	q := c.last()
	if len(q.Buttons()) == 0 {
		c.w.t.Fatalf("the category question has no buttons: %q", q.Text)
	}
	return c.u.Callback(q.ID, q.Text, q.Buttons()[0].CallbackData)
}

// pressReplies is how many messages one accepted category press sends (a
// reference citizen presses once).
func (w *world) pressReplies(id int64, firstUpdate int64) int {
	w.t.Helper()
	ref := w.citizen(id, firstUpdate)
	raw := ref.categoryPress()
	before := len(w.tg.Texts(ref.chat))
	w.deliver(ref.id, raw)
	n := len(w.tg.Texts(ref.chat)) - before
	if n == 0 {
		w.t.Fatalf("a category press sent nothing")
	}
	return n
}

// checkAnsweredOnce: the query got exactly one answerCallbackQuery, accepted.
func (w *world) checkAnsweredOnce(t *testing.T, queryID string) {
	t.Helper()
	answers := w.tg.Answers(queryID)
	if len(answers) != 1 || answers[0].Status != http.StatusOK {
		var statuses []int
		for _, a := range answers {
			statuses = append(statuses, a.Status)
		}
		t.Errorf("answerCallbackQuery of the press: statuses %v, want one, accepted", statuses)
	}
}

// TestEndToEndPressRedeliveredWebhook: Telegram delivers the same press 3
// times (its retry after a lost answer, or at once over parallel
// connections): one commit, one answerCallbackQuery, 200 every time.
func TestEndToEndPressRedeliveredWebhook(t *testing.T) {
	tests := []struct {
		name       string
		concurrent bool
	}{
		{"one after the other", false},
		{"at once", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, false)
			want := w.pressReplies(100, 1)
			handled := w.a.Stats().Handled

			c := w.citizen(200, 50)
			raw := c.categoryPress()
			before := len(w.tg.Texts(c.chat))
			var wg sync.WaitGroup
			for range 3 {
				post := func() {
					if code := w.post(raw); code != http.StatusOK {
						t.Errorf("webhook status %d, want 200", code)
					}
				}
				if tt.concurrent {
					wg.Go(post)
				} else {
					post()
				}
			}
			wg.Wait()
			w.waitSent(w.keys.Shard(bot.ChannelTelegram, c.chat))

			if got := len(w.tg.Texts(c.chat)) - before; got != want {
				t.Errorf("%d messages after 3 deliveries of a press, want %d (one commit)", got, want)
			}
			if s := w.a.Stats(); s.Duplicates != 2 || s.Handled-handled != 4 || s.Failed != 0 {
				t.Errorf("stats %+v: want 2 duplicates of 3 deliveries (+1 for 'lapor')", s)
			}
			w.checkAnsweredOnce(t, telegramtest.QueryID(raw))
			if n := len(w.tg.CallsOf("editMessageText", c.chat)); n != 1 {
				t.Errorf("%d edits of the answered question, want 1", n)
			}
		})
	}
}

// TestEndToEndPressRedeliveredPolling: the poller commits and answers a
// press, then dies before getUpdates confirmed it; the next process gets it
// again: no second commit, no second answer, and it is confirmed.
func TestEndToEndPressRedeliveredPolling(t *testing.T) {
	w := newWorldWith(t, worldOptions{manualPolling: true})
	stopFirst := w.poll(w.a)
	want := w.pressReplies(100, 1)

	c := w.citizen(200, 50)
	raw := c.categoryPress()
	before := len(w.tg.Texts(c.chat))
	// From the next call on, getUpdates fails: the offset that would confirm
	// the press never reaches Telegram (as if the process crashed).
	w.tg.Fail("getUpdates", "", telegramtest.Internal, -1)
	w.tg.PushUpdate(raw)
	queryID := telegramtest.QueryID(raw)
	w.tg.WaitFor(t, 10*time.Second, "the press answered", func(calls []telegramtest.Call) bool {
		for _, call := range calls {
			if call.Method == "answerCallbackQuery" && call.Form["callback_query_id"] == queryID && call.Status != 0 {
				return true
			}
		}
		return false
	})
	w.waitSent(w.keys.Shard(bot.ChannelTelegram, c.chat))
	stopFirst()
	if p := w.tg.Pending(); len(p) != 1 {
		t.Fatalf("pending updates %v, want the press, unconfirmed", p)
	}

	w.tg.ClearFailures()
	second := w.newAdapter()
	w.poll(second)
	deadline := time.Now().Add(10 * time.Second)
	for len(w.tg.Pending()) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p := w.tg.Pending(); len(p) != 0 {
		t.Fatalf("pending updates %v after the restart, want none", p)
	}
	w.waitSent(w.keys.Shard(bot.ChannelTelegram, c.chat))
	if got := len(w.tg.Texts(c.chat)) - before; got != want {
		t.Errorf("%d messages after the press came twice, want %d (one commit)", got, want)
	}
	if s := second.Stats(); s.Duplicates != 1 || s.Handled != 1 || s.Failed != 0 {
		t.Errorf("restarted poller stats %+v, want the press as one duplicate", s)
	}
	w.checkAnsweredOnce(t, queryID)
}

// TestEndToEndPressAnswerFails: answerCallbackQuery failing (Telegram 500)
// does not make the press come again: the webhook answers 200, the poller
// confirms it.
func TestEndToEndPressAnswerFails(t *testing.T) {
	for _, mode := range []string{"webhook", "polling"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t, mode == "polling")
			c := w.citizen(300, 1)
			raw := c.categoryPress()
			w.tg.Fail("answerCallbackQuery", "", telegramtest.Internal, 1)
			w.deliver(c.id, raw) // webhook: 200 checked; polling: confirmed
			if s := w.a.Stats(); s.Duplicates != 0 || s.Failed != 0 || s.Handled != 2 {
				t.Errorf("stats %+v: want the press handled once, no failure, no redelivery", s)
			}
			answers := w.tg.Answers(telegramtest.QueryID(raw))
			if len(answers) != 1 || answers[0].Status != http.StatusInternalServerError {
				t.Errorf("%d answers of the press, want the one that failed", len(answers))
			}
		})
	}
}
