package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// fakeSender is a Sender made of a func; it records every call.
type fakeSender struct {
	SendFunc func(ctx context.Context, msg Outbound) error

	mu    sync.Mutex
	calls []sentCall
}

type sentCall struct {
	msg Outbound
	at  time.Time
	err error
}

var _ Sender = (*fakeSender)(nil)

func (f *fakeSender) Send(ctx context.Context, msg Outbound) error {
	var err error
	if f.SendFunc != nil {
		err = f.SendFunc(ctx, msg)
	}
	f.mu.Lock()
	f.calls = append(f.calls, sentCall{msg: msg, at: time.Now(), err: err})
	f.mu.Unlock()
	return err
}

// delivered returns the successful sends, in order.
func (f *fakeSender) delivered() []sentCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sentCall
	for _, c := range f.calls {
		if c.err == nil {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSender) attempts(chatID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.msg.ChatID == chatID {
			n++
		}
	}
	return n
}

// testSenderConfig is quick: short blocks, short leases, tiny backoff, no limits.
func testSenderConfig() SenderConfig {
	return SenderConfig{
		Limits: map[string]Limit{}, Block: 200 * time.Millisecond, LeaseTTL: 3 * time.Second,
		SendTimeout: time.Second, BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
	}
}

// startSender runs a ReplySender until the returned stop is called (or the
// test ends).
func startSender(t *testing.T, rdb redis.UniversalClient, keys Keys, f Sender, cfg SenderConfig) (*ReplySender, func()) {
	t.Helper()
	s := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: f}, cfg, nil)
	return s, runSender(t, s)
}

// runSender runs s until the returned stop is called (or the test ends).
func runSender(t *testing.T, s *ReplySender) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
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
	return stop
}

func queueReply(t *testing.T, rdb redis.UniversalClient, keys Keys, chatID, text string) string {
	t.Helper()
	v, err := EncodeOutbound(Outbound{Channel: ChannelTelegram, ChatID: chatID, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{
		Stream: keys.Outbound(keys.Shard(ChannelTelegram, chatID)), Values: []any{FieldOutbound, v},
	}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// pendingTotal counts unacknowledged entries over all outbound streams.
func pendingTotal(t *testing.T, rdb redis.UniversalClient, keys Keys) int64 {
	t.Helper()
	var n int64
	for s := 0; s < keys.Shards; s++ {
		p, err := rdb.XPending(context.Background(), keys.Outbound(s), GroupSenders).Result()
		if err != nil {
			t.Fatal(err)
		}
		n += p.Count
	}
	return n
}

// settled reports that every outbound entry was read and acknowledged.
func settled(t *testing.T, rdb redis.UniversalClient, keys Keys) bool {
	t.Helper()
	return streamsSettled(t, rdb, keys, keys.Outbound, GroupSenders)
}

// streamsSettled reports that group read and acknowledged every entry of
// every shard's stream.
func streamsSettled(t *testing.T, rdb redis.UniversalClient, keys Keys, stream func(shard int) string, group string) bool {
	t.Helper()
	ctx := context.Background()
	for s := 0; s < keys.Shards; s++ {
		info, err := rdb.XInfoStream(ctx, stream(s)).Result()
		if err != nil {
			t.Fatal(err)
		}
		gs, err := rdb.XInfoGroups(ctx, stream(s)).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.Name == group && (g.Pending > 0 || (info.LastGeneratedID != "0-0" && g.LastDeliveredID != info.LastGeneratedID)) {
				return false
			}
		}
	}
	return true
}

// sameShardChats returns n chat ids of one shard.
func sameShardChats(keys Keys, n int) []string {
	var out []string
	want := -1
	for i := 0; len(out) < n; i++ {
		id := strconv.Itoa(1000 + i)
		s := keys.Shard(ChannelTelegram, id)
		if want == -1 {
			want = s
		}
		if s == want {
			out = append(out, id)
		}
	}
	return out
}

func TestSenderKeepsPerChatOrderAcrossReplicasAndFailures(t *testing.T) {
	rdb, keys := testKeys(t, 4)
	const chats, perChat = 20, 10
	var mu sync.Mutex
	calls := 0
	f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls%7 == 0 { // transient failures now and then
			return errors.New("connection reset")
		}
		return nil
	}}
	for i := 0; i < perChat; i++ {
		for c := 0; c < chats; c++ {
			queueReply(t, rdb, keys, "c"+strconv.Itoa(c), strconv.Itoa(i))
		}
	}
	_, stopA := startSender(t, rdb, keys, f, testSenderConfig())
	s2, _ := startSender(t, rdb, keys, f, testSenderConfig())
	waitFor(t, "a third of the replies", func() bool { return len(f.delivered()) >= chats*perChat/3 })
	stopA() // replica A shuts down mid-way; B takes its shards over
	waitFor(t, "all replies", func() bool { return len(f.delivered()) >= chats*perChat })
	time.Sleep(300 * time.Millisecond) // a duplicate would show up now

	got := map[string][]string{}
	for _, c := range f.delivered() {
		got[c.msg.ChatID] = append(got[c.msg.ChatID], c.msg.Text)
	}
	for c := 0; c < chats; c++ {
		id := "c" + strconv.Itoa(c)
		var want []string
		for i := 0; i < perChat; i++ {
			want = append(want, strconv.Itoa(i))
		}
		if fmt.Sprint(got[id]) != fmt.Sprint(want) {
			t.Errorf("chat %s got %v, want %v", id, got[id], want)
		}
	}
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
	if st := s2.Stats(); st.Retried == 0 {
		t.Errorf("no retries counted: %+v", st)
	}
}

func TestSender429DefersOnlyThatChat(t *testing.T) {
	rdb, keys := testKeys(t, 4)
	ids := sameShardChats(keys, 2)
	a, b := ids[0], ids[1]
	const retryAfter = time.Second
	var mu sync.Mutex
	var limitedAt time.Time
	f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
		mu.Lock()
		defer mu.Unlock()
		if msg.ChatID == a && limitedAt.IsZero() {
			limitedAt = time.Now()
			return fmt.Errorf("telegram: %w", &SendError{Err: errors.New("429 Too Many Requests"), RetryAfter: retryAfter})
		}
		return nil
	}}
	queueReply(t, rdb, keys, a, "a1")
	queueReply(t, rdb, keys, a, "a2")
	for i := 1; i <= 5; i++ {
		queueReply(t, rdb, keys, b, "b"+strconv.Itoa(i))
	}
	s, _ := startSender(t, rdb, keys, f, testSenderConfig())
	waitFor(t, "all replies", func() bool { return len(f.delivered()) == 7 })

	var order []string
	var a1At time.Time
	for _, c := range f.delivered() {
		order = append(order, c.msg.Text)
		if c.msg.Text == "a1" {
			a1At = c.at
		}
	}
	if order[5] != "a1" || order[6] != "a2" {
		t.Fatalf("order %v: chat B must not wait behind chat A's 429, and a1 precedes a2", order)
	}
	if a1At.Sub(limitedAt) < retryAfter {
		t.Fatalf("a1 resent %s after the 429, before retry_after %s", a1At.Sub(limitedAt), retryAfter)
	}
	if n := f.attempts(a); n != 3 {
		t.Fatalf("chat A: %d send attempts, want 3 (429, a1, a2)", n)
	}
	if st := s.Stats(); st.RateLimited != 1 || st.Sent != 7 {
		t.Fatalf("stats %+v", st)
	}
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
}

func TestSenderFailureOutcomes(t *testing.T) {
	boom := errors.New("boom")
	year := 365 * 24 * time.Hour
	for _, tc := range []struct {
		name string
		// fail returns the error of the n-th attempt (1-based) of the first message.
		fail            func(n int) error
		cfg             func(c *SenderConfig)
		wantAttempts    func(n int) bool // attempts of the first message
		wantSecondSent  bool             // the chat's second message delivered
		wantDead        int
		wantDeadError   string
		wantUnreachable bool
		wantLog         string
	}{
		{name: "403 blocked: no retry, chat marked, dead letter in plain words, later reply not sent",
			fail:         func(int) error { return &SendError{Err: boom, Unreachable: true} },
			wantAttempts: exactly(1), wantDead: 1, wantDeadError: "the citizen blocked the bot", wantUnreachable: true},
		{name: "permanent: dead-lettered at once, next reply goes",
			fail:         func(int) error { return &SendError{Err: boom, Permanent: true} },
			wantAttempts: exactly(1), wantSecondSent: true, wantDead: 1, wantDeadError: "retrying cannot help"},
		{name: "transient twice: sent on the third attempt",
			fail: func(n int) error {
				if n <= 2 {
					return boom
				}
				return nil
			}, wantAttempts: exactly(3), wantSecondSent: true},
		{name: "transient forever: backed off until MaxAge, then dead",
			fail:         func(int) error { return fmt.Errorf("wrapped: %w", boom) },
			cfg:          func(c *SenderConfig) { c.MaxAge = 200 * time.Millisecond },
			wantAttempts: func(n int) bool { return n >= 3 }, wantSecondSent: true, wantDead: 1, wantDeadError: "still failing after"},
		{name: "429 with Retry-After, many times, MaxAge long past: never dead, then sent",
			fail: func(n int) error {
				if n <= 12 {
					return &SendError{Err: boom, RetryAfter: 20 * time.Millisecond}
				}
				return nil
			},
			cfg:          func(c *SenderConfig) { c.MaxAge = time.Millisecond },
			wantAttempts: exactly(13), wantSecondSent: true},
		{name: "Retry-After of a year: capped and logged, then sent",
			fail: func(n int) error {
				if n == 1 {
					return &SendError{Err: boom, RetryAfter: year}
				}
				return nil
			},
			cfg:          func(c *SenderConfig) { c.RetryAfterCap = 100 * time.Millisecond },
			wantAttempts: exactly(2), wantSecondSent: true, wantLog: "Retry-After capped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, keys := testKeys(t, 2)
			ctx := context.Background()
			var mu sync.Mutex
			n := 0
			f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
				if msg.Text != "first" {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				n++
				return tc.fail(n)
			}}
			queueReply(t, rdb, keys, "9", "first")
			queueReply(t, rdb, keys, "9", "second")
			cfg := testSenderConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			logs := &logBuffer{}
			s := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: f}, cfg, slog.New(slog.NewTextHandler(logs, nil)))
			stop := runSender(t, s)
			waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
			stop()

			if got := f.attempts("9") - len(f.delivered()) + countText(f.delivered(), "first"); !tc.wantAttempts(got) {
				t.Errorf("attempts of the first reply = %d", got)
			}
			if got := countText(f.delivered(), "second") == 1; got != tc.wantSecondSent {
				t.Errorf("second reply delivered = %v, want %v", got, tc.wantSecondSent)
			}
			dead := deadLetters(t, rdb, keys)
			if len(dead) != tc.wantDead {
				t.Fatalf("%d dead letters, want %d", len(dead), tc.wantDead)
			}
			if tc.wantDead > 0 {
				d := dead[0]
				msg, err := decodeOutboundValues(d.Entry, d.Payload)
				if err != nil || msg.Text != "first" || d.Kind != "reply" || d.Target != ChannelTelegram ||
					d.Stream != keys.Outbound(keys.Shard(ChannelTelegram, "9")) || !strings.Contains(d.Error, tc.wantDeadError) {
					t.Errorf("dead letter %+v (%v)", d, err)
				}
			}
			marked, _ := rdb.Exists(ctx, keys.Unreachable(ChannelTelegram, "9")).Result()
			if (marked == 1) != tc.wantUnreachable {
				t.Errorf("unreachable mark = %d, want %v", marked, tc.wantUnreachable)
			}
			st := s.Stats()
			if tc.wantUnreachable && (st.Unreachable != 1 || st.Dropped != 1) {
				t.Errorf("stats %+v: want 1 unreachable chat, 1 dropped reply", st)
			}
			if st.DeadLettered != int64(tc.wantDead) {
				t.Errorf("stats %+v: want %d dead-lettered", st, tc.wantDead)
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("log lacks %q", tc.wantLog)
			}
			if n := rdb.HLen(ctx, queue.RetryKey(keys.Outbound(keys.Shard(ChannelTelegram, "9")), GroupSenders)).Val(); n != 0 {
				t.Errorf("%d retry states left behind", n)
			}
		})
	}
}

func exactly(want int) func(int) bool { return func(n int) bool { return n == want } }

// deadLetters reads the fallback sink the sender writes to by default.
func deadLetters(t *testing.T, rdb redis.UniversalClient, keys Keys) []queue.DeadLetter {
	t.Helper()
	d, err := queue.NewStreamSink(rdb, keys.DeadLetters(), 0, nil).List(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func countText(calls []sentCall, text string) int {
	n := 0
	for _, c := range calls {
		if c.msg.Text == text {
			n++
		}
	}
	return n
}

func TestSenderReclaimsFromKilledSender(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sentMark bool // the killed sender had sent (marked) but not acked
		wantSent int
	}{
		{"killed after send, before ack: not sent again", true, 0},
		{"killed before send: sent once", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, keys := testKeys(t, 1)
			ctx := context.Background()
			id := queueReply(t, rdb, keys, "5", "hello")
			// Consumer X reads the entry and dies holding it.
			if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: GroupSenders, Consumer: "X",
				Streams: []string{keys.Outbound(0), ">"}, Count: 10, Block: -1}).Err(); err != nil {
				t.Fatal(err)
			}
			if tc.sentMark {
				rdb.Set(ctx, keys.Sent(0, id), "1", time.Hour)
			}
			f := &fakeSender{}
			s, stop := startSender(t, rdb, keys, f, testSenderConfig())
			waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
			stop()
			if got := len(f.delivered()); got != tc.wantSent {
				t.Fatalf("sent %d times, want %d", got, tc.wantSent)
			}
			st := s.Stats()
			if st.Reclaimed != 1 || (tc.sentMark && st.Duplicates != 1) {
				t.Fatalf("stats %+v", st)
			}
			if ttl := rdb.TTL(ctx, keys.Sent(0, id)).Val(); ttl <= 0 {
				t.Fatalf("sent marker TTL %s", ttl)
			}
		})
	}
}

func TestSenderGlobalRateAcrossReplicas(t *testing.T) {
	rdb, keys := testKeys(t, 8)
	lim := Limit{PerChatPerSecond: 1, PerChatBurst: 3, GlobalPerSecond: 30, GlobalBurst: 5}
	const chats, perChat = 100, 3
	f := &fakeSender{}
	for c := 0; c < chats; c++ {
		for i := 0; i < perChat; i++ {
			queueReply(t, rdb, keys, "r"+strconv.Itoa(c), strconv.Itoa(i))
		}
	}
	cfg := testSenderConfig()
	cfg.Limits = map[string]Limit{ChannelTelegram: lim}
	s1, _ := startSender(t, rdb, keys, f, cfg)
	s2, _ := startSender(t, rdb, keys, f, cfg)
	waitFor(t, "all replies", func() bool { return len(f.delivered()) >= chats*perChat })

	calls := f.delivered()
	if len(calls) != chats*perChat {
		t.Fatalf("%d sends, want %d", len(calls), chats*perChat)
	}
	var at []time.Time
	for _, c := range calls {
		at = append(at, c.at)
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	bound := int(lim.GlobalPerSecond) + lim.GlobalBurst
	worst := 0
	for i := range at {
		j := sort.Search(len(at), func(j int) bool { return !at[j].Before(at[i].Add(time.Second)) })
		worst = max(worst, j-i)
	}
	if worst > bound {
		t.Fatalf("%d sends in one 1s window, limit %d", worst, bound)
	}
	t.Logf("busiest 1s window: %d sends (limit %d); throttled %d+%d times",
		worst, bound, s1.Stats().Throttled, s2.Stats().Throttled)
}

// logBuffer is a goroutine-safe log sink (bottest.LogBuffer cannot be used
// inside package bot: bottest imports it).
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
