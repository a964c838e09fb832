package bot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/queue"
	"github.com/aduan-id/aduan/flows"
	"github.com/redis/go-redis/v9"
)

// fakeHandler is an ActionHandler made of a func; it counts calls by
// tracking number (entry ids of different shards may be equal).
type fakeHandler struct {
	HandleFunc func(ctx context.Context, env ActionEnvelope, call int) error

	mu    sync.Mutex
	calls map[string]int
	ok    map[string]int
}

var _ ActionHandler = (*fakeHandler)(nil)

func (h *fakeHandler) HandleAction(ctx context.Context, env ActionEnvelope) error {
	h.mu.Lock()
	if h.calls == nil {
		h.calls, h.ok = map[string]int{}, map[string]int{}
	}
	h.calls[env.Action.Tracking]++
	n := h.calls[env.Action.Tracking]
	h.mu.Unlock()
	var err error
	if h.HandleFunc != nil {
		err = h.HandleFunc(ctx, env, n)
	}
	if err == nil {
		h.mu.Lock()
		h.ok[env.Action.Tracking]++
		h.mu.Unlock()
	}
	return err
}

func (h *fakeHandler) counts(tracking string) (calls, ok int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls[tracking], h.ok[tracking]
}

func testActionConfig() ActionConfig {
	return ActionConfig{Block: 200 * time.Millisecond, MaxDeliveries: 4, MinIdle: 2 * time.Second,
		HandleTimeout: time.Second, BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		MaxAge: 150 * time.Millisecond, JanitorEvery: 100 * time.Millisecond}
}

func startActions(t *testing.T, rdb redis.UniversalClient, keys Keys, h ActionHandler, cfg ActionConfig) (*ActionWorker, func()) {
	t.Helper()
	w := NewActionWorker(rdb, keys, h, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return w, stop
}

func queueAction(t *testing.T, rdb redis.UniversalClient, keys Keys, chatID, tracking string) string {
	t.Helper()
	v, err := EncodeAction(ActionEnvelope{Channel: ChannelTelegram, ChatID: chatID,
		Action: flows.Action{Kind: flows.ActionSubmit, Tracking: tracking}, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{
		Stream: keys.Actions(keys.Shard(ChannelTelegram, chatID)), Values: []any{FieldAction, v},
	}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// actionsSettled reports that every action entry was read and acknowledged.
func actionsSettled(t *testing.T, rdb redis.UniversalClient, keys Keys) bool {
	t.Helper()
	return streamsSettled(t, rdb, keys, keys.Actions, GroupHandlers)
}

func TestActionWorkerOutcomes(t *testing.T) {
	boom := errors.New("complaint API 500")
	for _, tc := range []struct {
		name      string
		fail      func(call int) error
		wantCalls func(n int) bool
		wantOK    int
		wantDead  bool
	}{
		{"succeeds at once", func(int) error { return nil }, exactly(1), 1, false},
		{"fails twice then succeeds", func(n int) error {
			if n <= 2 {
				return boom
			}
			return nil
		}, exactly(3), 1, false},
		{"keeps failing: dead after MaxAge", func(int) error { return boom }, func(n int) bool { return n >= 2 }, 0, true},
		{"refused: dead at once", func(int) error { return queue.Permanent(boom) }, exactly(1), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, keys := testKeys(t, 2)
			h := &fakeHandler{HandleFunc: func(_ context.Context, _ ActionEnvelope, n int) error { return tc.fail(n) }}
			queueAction(t, rdb, keys, "11", "SDA-1")
			queueAction(t, rdb, keys, "12", "SDA-2")
			w, stop := startActions(t, rdb, keys, h, testActionConfig())
			waitFor(t, "actions settled", func() bool { return actionsSettled(t, rdb, keys) })
			stop()
			calls := map[string]int{}
			for _, tr := range []string{"SDA-1", "SDA-2"} {
				n, ok := h.counts(tr)
				calls[tr] = n
				if !tc.wantCalls(n) || ok != tc.wantOK {
					t.Errorf("%s: handler calls %d (ok %d), want ok %d", tr, n, ok, tc.wantOK)
				}
			}
			dead := deadLetters(t, rdb, keys)
			wantDead := 0
			if tc.wantDead {
				wantDead = 2 // both entries fail
				for _, d := range dead {
					env, err := decodeActionValues(d.Entry, d.Payload)
					if err != nil || d.Kind != "action" || d.Number != env.Action.Tracking || d.Target != ChannelTelegram ||
						d.Attempts != calls[d.Number] || d.Error == "" || d.Stream != keys.Actions(keys.Shard(ChannelTelegram, env.ChatID)) {
						t.Errorf("dead letter %+v (%v)", d, err)
					}
				}
			}
			if len(dead) != wantDead {
				t.Errorf("%d dead letters, want %d", len(dead), wantDead)
			}
			if st := w.Stats(); st.DeadLettered != int64(wantDead) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestActionWorkerReclaimsFromDeadConsumer(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	queueAction(t, rdb, keys, "3", "SDA-3")
	// Consumer X reads the entry and dies holding it.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: GroupHandlers, Consumer: "X",
		Streams: []string{keys.Actions(0), ">"}, Count: 10, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	h := &fakeHandler{}
	cfg := testActionConfig()
	cfg.MinIdle = 1500 * time.Millisecond
	w, stop := startActions(t, rdb, keys, h, cfg)
	waitFor(t, "actions settled", func() bool { return actionsSettled(t, rdb, keys) })
	stop()
	if calls, ok := h.counts("SDA-3"); calls != 1 || ok != 1 {
		t.Fatalf("handler calls %d (ok %d), want 1", calls, ok)
	}
	if st := w.Stats(); st.Reclaimed != 1 || st.Handled != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestActionWorkerOwnPendingFirstAndPoisonRedelivered(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	queueAction(t, rdb, keys, "1", "SDA-A")
	poison := queueAction(t, rdb, keys, "1", "SDA-B")
	// A previous run of consumer "me" read both and crashed; the poison entry
	// had crashed handlers MaxDeliveries times already.
	cfg := testActionConfig()
	cfg.Consumer = "me"
	cfg.MinIdle, cfg.BackoffMax, cfg.HandleTimeout = time.Hour, time.Minute, time.Minute
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: GroupHandlers, Consumer: "me",
		Streams: []string{keys.Actions(0), ">"}, Count: 10, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < cfg.MaxDeliveries; i++ {
		if err := rdb.XClaim(ctx, &redis.XClaimArgs{Stream: keys.Actions(0), Group: GroupHandlers,
			Consumer: "me", Messages: []string{poison}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	h := &fakeHandler{}
	w, stop := startActions(t, rdb, keys, h, cfg)
	// MinIdle is an hour: only the own-pending read ("0") can find them.
	waitFor(t, "actions settled", func() bool { return actionsSettled(t, rdb, keys) })
	stop()
	if calls, _ := h.counts("SDA-A"); calls != 1 {
		t.Errorf("own pending entry handled %d times, want 1", calls)
	}
	if calls, _ := h.counts("SDA-B"); calls != 0 {
		t.Errorf("entry past MaxDeliveries handled %d times, want 0 (dead-lettered)", calls)
	}
	if st := w.Stats(); st.DeadLettered != 1 || st.Handled != 1 || st.Reclaimed != 0 {
		t.Errorf("stats %+v", st)
	}
}
