package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
	"github.com/aduan-id/aduan/bot/redistest"
)

// queueOn queues a reply on any channel.
func queueOn(t *testing.T, rdb redis.UniversalClient, keys Keys, msg Outbound) string {
	t.Helper()
	v, err := EncodeOutbound(msg)
	if err != nil {
		t.Fatal(err)
	}
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{
		Stream: keys.Outbound(keys.Shard(msg.Channel, msg.ChatID)), Values: []any{FieldOutbound, v},
	}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// leaseOwners counts a channel's shard leases by owner.
func leaseOwners(t *testing.T, rdb redis.UniversalClient, keys Keys, channel string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for sh := 0; sh < keys.Shards; sh++ {
		out[rdb.Get(context.Background(), keys.SendLease(channel, sh)).Val()]++
	}
	return out
}

// A process that can send only some channels takes only their leases, and
// leaves the other channels' replies for the process that can send them:
// `aduan chat` (terminal) beside `aduan serve` (telegram) on one Redis, the
// chat started first. No reply is dead-lettered as "no sender".
func TestSendersWithDifferentChannelSets(t *testing.T) {
	rdb, keys := testKeys(t, 4)
	ctx := context.Background()
	term, tg := &fakeSender{}, &fakeSender{}
	chatCfg, serveCfg := testSenderConfig(), testSenderConfig()
	chatCfg.Consumer, serveCfg.Consumer = "chat", "serve"
	chat := NewReplySender(rdb, keys, map[string]Sender{ChannelTerminal: term}, chatCfg, nil)
	runSender(t, chat)
	waitFor(t, "chat holds the terminal shards", func() bool { return leaseOwners(t, rdb, keys, ChannelTerminal)["chat"] == 4 })
	serve := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: tg}, serveCfg, nil)
	runSender(t, serve)

	const perChannel = 20
	for i := range perChannel {
		queueOn(t, rdb, keys, Outbound{Channel: ChannelTerminal, ChatID: "local" + strconv.Itoa(i%3), Text: "t" + strconv.Itoa(i)})
		queueOn(t, rdb, keys, Outbound{Channel: ChannelTelegram, ChatID: strconv.Itoa(100 + i%7), Text: "g" + strconv.Itoa(i)})
	}
	sms := queueOn(t, rdb, keys, Outbound{Channel: "sms", ChatID: "1", Text: "nobody sends sms"})
	waitFor(t, "both channels delivered", func() bool {
		return len(term.delivered()) == perChannel && len(tg.delivered()) == perChannel
	})
	for _, c := range term.delivered() {
		if c.msg.Channel != ChannelTerminal {
			t.Fatalf("the chat process sent a %s reply", c.msg.Channel)
		}
	}
	for _, c := range tg.delivered() {
		if c.msg.Channel != ChannelTelegram {
			t.Fatalf("the serve process sent a %s reply", c.msg.Channel)
		}
	}
	if o := leaseOwners(t, rdb, keys, ChannelTelegram); o["serve"] != 4 {
		t.Fatalf("telegram leases %v: all the serve process's", o)
	}
	if d := deadLetters(t, rdb, keys); len(d) != 0 {
		t.Fatalf("%d dead letters: %+v", len(d), d)
	}
	if st := chat.Stats(); st.DeadLettered != 0 || serve.Stats().DeadLettered != 0 {
		t.Fatalf("dead-lettered: chat %+v, serve %+v", st, serve.Stats())
	}
	// The sms reply waits for a process that can send it, at its channel.
	p, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: keys.Outbound(keys.Shard("sms", "1")),
		Group: GroupSenders, Start: sms, End: sms, Count: 1}).Result()
	if err != nil || len(p) != 1 || p[0].Consumer != channelConsumer("sms") {
		t.Fatalf("the sms reply: %+v, %v", p, err)
	}
}

// senderProcess runs a reply sender on its own Redis client, so it can be
// killed: its client closed first (nothing it does reaches Redis any more,
// leases are not released), then its context cancelled.
type senderProcess struct {
	s    *ReplySender
	f    *fakeSender
	rdb  redis.UniversalClient
	stop func()
}

func startProcess(t *testing.T, keys Keys, name string, cfg SenderConfig) *senderProcess {
	t.Helper()
	return startProcessWith(t, keys, name, cfg, newProcessClient(t), &fakeSender{})
}

func newProcessClient(t *testing.T) redis.UniversalClient {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{redistest.Addr()}})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func startProcessWith(t *testing.T, keys Keys, name string, cfg SenderConfig, rdb redis.UniversalClient, f *fakeSender) *senderProcess {
	t.Helper()
	cfg.Consumer = name
	s := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: f}, cfg, nil)
	return &senderProcess{s: s, f: f, rdb: rdb, stop: runSender(t, s)}
}

func (p *senderProcess) kill() {
	_ = p.rdb.Close()
	p.stop()
}

func TestSenderTakeover(t *testing.T) {
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		kill bool
	}{
		// kill -9: the leases stay until their TTL runs out, then the other
		// replica takes every shard.
		{"killed: taken over once the TTL ran out", 2 * time.Second, true},
		// Clean stop: released at once. With a one-minute TTL the takeover
		// could not otherwise happen before the test's deadline.
		{"clean stop: taken over at once", time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb, keys := testKeys(t, 4)
			cfg := testSenderConfig()
			cfg.LeaseTTL, cfg.SendTimeout = tc.ttl, 500*time.Millisecond
			a := startProcess(t, keys, "a", cfg)
			waitFor(t, "a holds every shard", func() bool { return leaseOwners(t, rdb, keys, ChannelTelegram)["a"] == 4 })
			b := startProcess(t, keys, "b", cfg)
			waitFor(t, "2/2", func() bool { return leaseOwners(t, rdb, keys, ChannelTelegram)["b"] == 2 })
			killedAt := time.Now()
			if tc.kill {
				a.kill()
				if o := leaseOwners(t, rdb, keys, ChannelTelegram); o["a"] != 2 {
					t.Fatalf("a was killed: its leases must outlive it until the TTL, got %v", o)
				}
			} else {
				a.stop()
				if o := leaseOwners(t, rdb, keys, ChannelTelegram); o["a"] != 0 {
					t.Fatalf("a stopped cleanly but still holds %v", o)
				}
			}
			for i := range 12 {
				queueReply(t, rdb, keys, "c"+strconv.Itoa(i), "after")
			}
			waitFor(t, "b sends every shard", func() bool { return len(b.f.delivered()) == 12 })
			if o := leaseOwners(t, rdb, keys, ChannelTelegram); o["b"] != 4 {
				t.Fatalf("leases %v", o)
			}
			t.Logf("taken over %s after the stop (TTL %s)", time.Since(killedAt).Round(time.Millisecond), tc.ttl)
			if tc.kill && time.Since(killedAt) > tc.ttl+10*time.Second {
				t.Fatalf("takeover took %s, TTL %s", time.Since(killedAt), tc.ttl)
			}
		})
	}
}

func TestSenderSpreadsShardsOverReplicas(t *testing.T) {
	rdb, keys := testKeys(t, 16)
	startProcess(t, keys, "a", testSenderConfig())
	waitFor(t, "a alone holds every shard", func() bool { return leaseOwners(t, rdb, keys, ChannelTelegram)["a"] == 16 })
	startProcess(t, keys, "b", testSenderConfig())
	waitFor(t, "8/8 (±1)", func() bool {
		o := leaseOwners(t, rdb, keys, ChannelTelegram)
		return o["a"] >= 7 && o["a"] <= 9 && o["b"] >= 7 && o["b"] <= 9 && o["a"]+o["b"] == 16
	})
}

// OnDelivery hears once of each message with a Ref: sent, or given up (the
// chat blocked the bot). A slow hook does not hold sending back.
func TestSenderOnDelivery(t *testing.T) {
	rdb, keys := testKeys(t, 2)
	type call struct {
		ref string
		d   Delivery
	}
	var mu sync.Mutex
	var calls []call
	release := make(chan struct{})
	cfg := testSenderConfig()
	cfg.OnDelivery = func(ctx context.Context, ref string, d Delivery) error {
		<-release // a slow database
		mu.Lock()
		calls = append(calls, call{ref, d})
		mu.Unlock()
		return errors.New("timeline update failed") // logged only
	}
	f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
		if msg.ChatID == "blocked" {
			return &SendError{Err: errors.New("403 Forbidden: bot was blocked by the user"), Unreachable: true}
		}
		return nil
	}}
	queueOn(t, rdb, keys, Outbound{Channel: ChannelTelegram, ChatID: "1", Text: "admin reply", Ref: "SDA-7KQ2MX/ev-1"})
	queueOn(t, rdb, keys, Outbound{Channel: ChannelTelegram, ChatID: "blocked", Text: "status", Ref: "SDA-9ABCDE/ev-2"})
	for i := range 5 {
		queueReply(t, rdb, keys, strconv.Itoa(10+i), "no ref")
	}
	s, stop := startSender(t, rdb, keys, f, cfg)
	waitFor(t, "every reply sent while the hook is stuck", func() bool { return len(f.delivered()) == 6 })
	close(release)
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
	stop() // waits for the hooks
	got := map[string]Delivery{}
	for _, c := range calls {
		if _, dup := got[c.ref]; dup {
			t.Fatalf("hook called twice for %s", c.ref)
		}
		got[c.ref] = c.d
	}
	if len(calls) != 2 || got["SDA-7KQ2MX/ev-1"].Status != DeliverySent || got["SDA-9ABCDE/ev-2"].Status != DeliveryFailed ||
		!strings.Contains(got["SDA-9ABCDE/ev-2"].Detail, "blocked the bot") || got["SDA-7KQ2MX/ev-1"].At.IsZero() {
		t.Fatalf("hook calls %+v", calls)
	}
	dead := deadLetters(t, rdb, keys)
	if len(dead) != 1 || dead[0].Number != "SDA-9ABCDE" {
		t.Fatalf("dead letters %+v: the blocked chat's, with the Ref's number", dead)
	}
	if st := s.Stats(); st.Sent != 6 || st.Unreachable != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The channel's own counters (aduan_replies_*_total{channel}).
	if cs := s.ChannelStats(); len(cs) != 1 || cs[ChannelTelegram] != (ChannelSendStats{Sent: 6, Failed: 1}) {
		t.Fatalf("channel stats %+v, want telegram: 6 sent, 1 failed", cs)
	}
}

type sinkFunc func(ctx context.Context, d queue.DeadLetter) error

func (f sinkFunc) AddDeadLetter(ctx context.Context, d queue.DeadLetter) error { return f(ctx, d) }

// The sink is down: the reply is not acknowledged (and the chat's next reply
// waits behind it), the send is not tried again, and the dead letter is
// written once the sink is back.
func TestSenderDeadLetterSinkDown(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	real := queue.NewStreamSink(rdb, keys.DeadLetters(), 0, nil)
	var writes atomic.Int64
	pendingWhileDown := make(chan int64, 10)
	f := &fakeSender{SendFunc: func(ctx context.Context, msg Outbound) error {
		if msg.Text == "first" {
			return &SendError{Err: errors.New("400 Bad Request"), Permanent: true}
		}
		return nil
	}}
	cfg := testSenderConfig()
	cfg.DeadLetters = sinkFunc(func(ctx context.Context, d queue.DeadLetter) error {
		if writes.Add(1) <= 3 {
			pendingWhileDown <- rdb.XPending(ctx, keys.Outbound(0), GroupSenders).Val().Count
			return errors.New("database is down")
		}
		return real.AddDeadLetter(ctx, d)
	})
	queueReply(t, rdb, keys, "9", "first")
	queueReply(t, rdb, keys, "9", "second")
	_, stop := startSender(t, rdb, keys, f, cfg)
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
	stop()
	close(pendingWhileDown)
	for p := range pendingWhileDown {
		if p != 2 {
			t.Fatalf("%d pending while the dead letter was not written; want both (the dead one and the one behind it)", p)
		}
	}
	if n := f.attempts("9"); n != 2 {
		t.Fatalf("%d sends; a failed dead-letter write must not send again", n)
	}
	if d, _ := real.List(ctx, 10); len(d) != 1 || writes.Load() != 4 {
		t.Fatalf("%d dead letters after %d writes", len(d), writes.Load())
	}
}

// A crash after the dead letter was written and before the ack: the next
// holder tries the reply again, gives up again, and the sink keeps one.
func TestSenderCrashBetweenDeadLetterAndAck(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	real := queue.NewStreamSink(rdb, keys.DeadLetters(), 0, nil)
	queueReply(t, rdb, keys, "9", "refused")
	cfg := testSenderConfig()
	cfg.LeaseTTL, cfg.SendTimeout = 2*time.Second, 500*time.Millisecond
	rdbA := newProcessClient(t)
	cfgA := cfg
	cfgA.DeadLetters = sinkFunc(func(ctx context.Context, d queue.DeadLetter) error {
		err := real.AddDeadLetter(ctx, d)
		_ = rdbA.Close() // the process dies right after the write
		return err
	})
	refuse := func(ctx context.Context, msg Outbound) error {
		return &SendError{Err: errors.New("400 Bad Request"), Permanent: true}
	}
	a := startProcessWith(t, keys, "a", cfgA, rdbA, &fakeSender{SendFunc: refuse})
	waitFor(t, "the first dead letter", func() bool { d, _ := real.List(context.Background(), 10); return len(d) == 1 })
	a.stop()
	if p := rdb.XPending(context.Background(), keys.Outbound(0), GroupSenders).Val(); p.Count != 1 {
		t.Fatalf("the crashed sender acknowledged the reply: %+v", p)
	}
	startProcessWith(t, keys, "b", cfg, newProcessClient(t), &fakeSender{SendFunc: refuse})
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
	if d, _ := real.List(context.Background(), 10); len(d) != 1 {
		t.Fatalf("%d dead letters, want 1", len(d))
	}
}

// An entry that is not a reply is dead-lettered, and the chat goes on.
func TestSenderDeadLettersUnreadableEntry(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	bad, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: keys.Outbound(0), Values: []any{FieldOutbound, "{not json"}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	queueReply(t, rdb, keys, "1", "fine")
	f := &fakeSender{}
	_, _ = startSender(t, rdb, keys, f, testSenderConfig())
	waitFor(t, "all entries read and acked", func() bool { return settled(t, rdb, keys) })
	dead := deadLetters(t, rdb, keys)
	if len(dead) != 1 || dead[0].Entry != bad || !strings.Contains(dead[0].Error, "not a valid reply") || dead[0].Payload[FieldOutbound] != "{not json" {
		t.Fatalf("dead letters %+v", dead)
	}
	if len(f.delivered()) != 1 {
		t.Fatalf("%d sent", len(f.delivered()))
	}
}
