package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// runPolling starts RunPolling and stops it at the end of the test.
func runPolling(t *testing.T, a *Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunPolling(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunPolling: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("RunPolling did not stop")
		}
	})
}

// offsetReached waits until a getUpdates call confirmed everything below off.
func offsetReached(off int64) func([]telegramtest.Call) bool {
	return func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "getUpdates" && c.Form["offset"] == strconv.FormatInt(off, 10) {
				return true
			}
		}
		return false
	}
}

func TestPollingConfirmsOnlyAfterCommit(t *testing.T) {
	env := newEnv(t, "", nil)
	var calls atomic.Int32
	env.h.fn = func(in bot.Inbound) (bot.Outcome, error) {
		if in.MessageID == "u500" && calls.Add(1) == 1 {
			return bot.Outcome{}, errors.New("redis: connection refused")
		}
		return bot.Outcome{}, nil
	}
	u := telegramtest.NewUpdates(42, "id", 500)
	env.tg.PushUpdate(u.Text("halo"))
	env.tg.PushUpdate(u.Text("jalan rusak"))
	runPolling(t, env.a)

	env.tg.WaitFor(t, 10*time.Second, "offset 502", offsetReached(502))
	var offsets []string
	for _, c := range env.tg.CallsOf("getUpdates", "") {
		offsets = append(offsets, c.Form["offset"])
	}
	// 0 (first fetch, handler fails), 0 again (nothing confirmed), then 502.
	if len(offsets) < 3 || offsets[0] != "0" || offsets[1] != "0" || offsets[2] != "502" {
		t.Errorf("getUpdates offsets = %v, want [0 0 502 ...]", offsets)
	}
	var got []string
	for _, in := range env.h.inbound() {
		got = append(got, in.MessageID+":"+in.Text)
	}
	// u500 committed once, after its retry; u501 (same chat) waited for it,
	// so the chat's order holds.
	if len(got) != 2 || got[0] != "u500:halo" || got[1] != "u501:jalan rusak" {
		t.Errorf("committed %v, want [u500:halo u501:jalan rusak]", got)
	}
	if s := env.a.Stats(); s.Failed != 1 {
		t.Errorf("failed = %d, want 1", s.Failed)
	}
}

func TestPollingSkipsUndecodableUpdate(t *testing.T) {
	env := newEnv(t, "", nil)
	env.tg.PushUpdate(`{"update_id":700,"message":"not a message"}`)
	u := telegramtest.NewUpdates(42, "id", 701)
	env.tg.PushUpdate(u.Text("halo"))
	runPolling(t, env.a)
	env.tg.WaitFor(t, 10*time.Second, "offset 702", offsetReached(702))
	ins := env.h.inbound()
	if len(ins) != 1 || ins[0].MessageID != "u701" {
		t.Errorf("committed %+v, want only u701", ins)
	}
	if s := env.a.Stats(); s.Malformed != 1 {
		t.Errorf("malformed = %d, want 1", s.Malformed)
	}
}

func TestPollingBacksOffOnAPIErrors(t *testing.T) {
	env := newEnv(t, "", nil)
	env.tg.Fail("getUpdates", "", telegramtest.Failure{Code: 409, Description: "Conflict: can't use getUpdates method while webhook is active"}, 2)
	u := telegramtest.NewUpdates(42, "en", 900)
	env.tg.PushUpdate(u.Text("hello"))
	runPolling(t, env.a)
	env.tg.WaitFor(t, 10*time.Second, "offset 901", offsetReached(901))
	calls := env.tg.CallsOf("getUpdates", "")
	if len(calls) < 4 {
		t.Fatalf("%d getUpdates calls, want at least 4", len(calls))
	}
	if gap := calls[2].At.Sub(calls[1].At); gap < 300*time.Millisecond {
		t.Errorf("retry after the second error came after %s: want a growing backoff", gap)
	}
	if ins := env.h.inbound(); len(ins) != 1 || ins[0].Lang != "en" {
		t.Errorf("committed %+v", ins)
	}
}

// TestPollingAfterUpdateIDReset: after a week without updates Telegram picks
// the next update_id at random, possibly below every earlier one
// (RELIABILITY.md: update_id is for dedup, not a watermark). The updates of
// the new sequence are committed once each and confirmed, not fetched again
// and again behind an offset of the old sequence.
func TestPollingAfterUpdateIDReset(t *testing.T) {
	tests := []struct {
		name     string
		first    int64 // first id of the new sequence
		old, new int   // updates before and after the reset
	}{
		{"new ids below the old ones", 17, 2, 3},
		{"new ids above the old ones", 90_000, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "", nil)
			runPolling(t, env.a)
			pending := func(what string) {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for len(env.tg.Pending()) > 0 {
					if time.Now().After(deadline) {
						t.Fatalf("%s: updates %v never confirmed", what, env.tg.Pending())
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			var want []string
			before := telegramtest.NewUpdates(42, "id", 5000)
			for i := range tt.old {
				env.tg.PushUpdate(before.Text("sebelum"))
				want = append(want, "u"+strconv.Itoa(5000+i))
			}
			pending("before the reset")
			env.tg.WaitFor(t, 10*time.Second, "the confirming getUpdates", offsetReached(int64(5000+tt.old)))

			env.tg.ResetUpdateIDs()
			after := telegramtest.NewUpdates(42, "id", tt.first)
			for i := range tt.new {
				env.tg.PushUpdate(after.Text("sesudah"))
				want = append(want, "u"+strconv.FormatInt(tt.first+int64(i), 10))
			}
			pending("after the reset")

			var got []string
			for _, in := range env.h.inbound() {
				got = append(got, in.MessageID)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("handled %v, want %v (each once, in order)", got, want)
			}
		})
	}
}
