package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// The embedded mode (no REDIS_URL) runs on miniredis: the sender, its
// limiter and the action worker must work there too.
func TestSenderAndActionsOnMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{mr.Addr()}})
	t.Cleanup(func() { rdb.Close() })
	keys := NewKeys("mini", 2)
	ctx := context.Background()
	if err := EnsureGroups(ctx, rdb, keys); err != nil {
		t.Fatal(err)
	}
	f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
		if msg.Text == "blocked" {
			return &SendError{Err: errors.New("403"), Unreachable: true}
		}
		return nil
	}}
	cfg := testSenderConfig()
	cfg.Limits = map[string]Limit{ChannelTelegram: {PerChatPerSecond: 50, PerChatBurst: 3, GlobalPerSecond: 100, GlobalBurst: 5}}
	cfg.TrimEvery = 50 * time.Millisecond
	s, _ := startSender(t, rdb, keys, f, cfg)
	n := NewNotifier(rdb, keys)
	for _, text := range []string{"a", "b", "c"} {
		if err := n.Notify(ctx, Outbound{Channel: ChannelTelegram, ChatID: "1", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Notify(ctx, Outbound{Channel: ChannelTelegram, ChatID: "2", Text: "blocked"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replies on miniredis", func() bool { return len(f.delivered()) == 3 && s.Stats().Unreachable == 1 })
	waitFor(t, "trimmed streams", func() bool {
		for sh := 0; sh < keys.Shards; sh++ {
			if rdb.XLen(ctx, keys.Outbound(sh)).Val() != 0 {
				return false
			}
		}
		return true
	})

	h := &fakeHandler{HandleFunc: func(_ context.Context, _ ActionEnvelope, call int) error {
		if call == 1 {
			return errors.New("once")
		}
		return nil
	}}
	w, _ := startActions(t, rdb, keys, h, testActionConfig())
	queueAction(t, rdb, keys, "1", "SDA-M")
	waitFor(t, "action on miniredis", func() bool { return w.Stats().Handled == 1 })
}
