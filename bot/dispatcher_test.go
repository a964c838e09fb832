package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

func newDispatcher(t testing.TB, rdb redis.UniversalClient, prefix string) (*bot.Dispatcher, bot.Keys) {
	t.Helper()
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	keys := bot.NewKeys(prefix, 4)
	return bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{})), keys
}

func msg(chat, id, text string) bot.Inbound {
	return bot.Inbound{Channel: bot.ChannelTerminal, ChatID: chat, UserID: chat, MessageID: id, Text: text}
}

// outbound returns the replies queued for chat, oldest first.
func outbound(t testing.TB, rdb redis.UniversalClient, keys bot.Keys, chat string) []bot.Outbound {
	t.Helper()
	entries, err := rdb.XRange(context.Background(), keys.Outbound(keys.Shard(bot.ChannelTerminal, chat)), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.Outbound
	for _, e := range entries {
		var o bot.Outbound
		if err := json.Unmarshal([]byte(e.Values["m"].(string)), &o); err != nil {
			t.Fatal(err)
		}
		if o.ChatID == chat {
			out = append(out, o)
		}
	}
	return out
}

func session(t testing.TB, rdb redis.UniversalClient, keys bot.Keys, chat string) (int, flows.Session) {
	t.Helper()
	raw, err := rdb.Get(context.Background(), keys.Session(bot.ChannelTerminal, chat)).Result()
	if err != nil {
		t.Fatal(err)
	}
	v, body, _ := strings.Cut(raw, ":")
	var s flows.Session
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(v, &n)
	return n, s
}

func TestSameMessageTwiceRepliesOnce(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	first, err := d.Handle(ctx, msg("c1", "u100", "halo"))
	if err != nil || first.Duplicate {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	n := len(outbound(t, rdb, keys, "c1"))
	// Redelivered at once (in parallel) and later.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := d.Handle(ctx, msg("c1", "u100", "halo"))
			if err != nil || !out.Duplicate {
				t.Errorf("redelivery: %+v, %v", out, err)
			}
		}()
	}
	wg.Wait()
	if got := len(outbound(t, rdb, keys, "c1")); got != n {
		t.Errorf("replies after redelivery = %d, want %d", got, n)
	}
}

// 50 messages of one chat at once: every one is committed exactly once,
// conflicts are retried, and an album of 3 photos sent at once keeps all 3.
func TestConcurrentMessagesOfOneChat(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Handle(ctx, msg("c2", fmt.Sprintf("m%d", i), "halo")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if v, _ := session(t, rdb, keys, "c2"); v != 50 {
		t.Errorf("session version = %d after 50 messages, want 50 (a lost or doubled commit)", v)
	}
	t.Logf("conflicts retried: %d", d.Stats().Conflicts.Load())

	for i, text := range []string{"lapor", "1", "Jalan berlubang besar", "Lubang besar di depan sekolah, sudah dua minggu.", "kemarin", "Jl. Raya Candi 5", "candi"} {
		if _, err := d.Handle(ctx, msg("c3", fmt.Sprintf("s%d", i), text)); err != nil {
			t.Fatal(err)
		}
	}
	if _, s := session(t, rdb, keys, "c3"); s.Step != "photos" {
		t.Fatalf("at step %q, want photos", s.Step)
	}
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := msg("c3", fmt.Sprintf("p%d", i), "")
			in.Photos = []flows.Photo{{Ref: fmt.Sprintf("photo%d.jpg", i)}}
			if _, err := d.Handle(ctx, in); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, s := session(t, rdb, keys, "c3"); len(strings.Fields(s.Fields["photos"])) != 3 || s.Step != "identity" {
		t.Errorf("album of 3 at once: photos=%q step=%q, want 3 photos and identity", s.Fields["photos"], s.Step)
	}
}

// Tracking numbers stay unique when many citizens submit at once.
func TestTrackingNumbersUniqueUnderConcurrency(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	script := []string{"lapor", "1", "Jalan berlubang besar", "Lubang besar di depan sekolah, sudah dua minggu.",
		"kemarin", "Jl. Raya Candi 5", "candi", "lewati", "rahasia", "lewati", "lewati"}
	const citizens = 40
	var wg sync.WaitGroup
	for c := range citizens {
		chat := fmt.Sprintf("t%d", c)
		for i, text := range script {
			if _, err := d.Handle(ctx, msg(chat, fmt.Sprintf("%d", i), text)); err != nil {
				t.Fatal(err)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Handle(ctx, msg(chat, "send", "kirim")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for shard := range keys.Shards {
		entries, err := rdb.XRange(ctx, keys.Actions(shard), "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			var env bot.ActionEnvelope
			if err := json.Unmarshal([]byte(e.Values["a"].(string)), &env); err != nil {
				t.Fatal(err)
			}
			if env.Action.Kind != flows.ActionSubmit {
				continue
			}
			n := env.Action.Tracking
			if !strings.HasPrefix(n, "SDA-") || len(n) != 10 || seen[n] {
				t.Errorf("bad or duplicate tracking number %q", n)
			}
			seen[n] = true
			reserved, err := rdb.Exists(ctx, keys.Tracking(keys.TrackingShard(n), n)).Result()
			if err != nil || reserved != 1 {
				t.Errorf("tracking number %s not reserved", n)
			}
		}
	}
	if len(seen) != citizens {
		t.Errorf("%d submitted reports, want %d", len(seen), citizens)
	}
}

// Redis killed mid-conversation: the dispatcher returns an error (the adapter
// then answers 5xx / no receipt), nothing is half-written, and once Redis is
// back the redelivered message continues the conversation.
func TestRedisDownMidConversation(t *testing.T) {
	srv := redistest.NewDurableServer(t)
	rdb, prefix := redistest.ClientAt(t, srv.Addr())
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	for i, text := range []string{"lapor", "1"} {
		if _, err := d.Handle(ctx, msg("c4", fmt.Sprint(i), text)); err != nil {
			t.Fatal(err)
		}
	}
	before := len(outbound(t, rdb, keys, "c4"))
	srv.Stop()
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err := d.Handle(cctx, msg("c4", "2", "Jalan berlubang besar"))
	cancel()
	if err == nil {
		t.Fatal("Handle succeeded with Redis down")
	}
	srv.Restart()
	if v, s := session(t, rdb, keys, "c4"); s.Step != "title" || v != 2 {
		t.Fatalf("after the failed message: version %d step %q, want 2 and title (nothing half-written)", v, s.Step)
	}
	if got := len(outbound(t, rdb, keys, "c4")); got != before {
		t.Fatalf("replies = %d, want %d: a reply was queued for an uncommitted message", got, before)
	}
	out, err := d.Handle(ctx, msg("c4", "2", "Jalan berlubang besar")) // the platform redelivers
	if err != nil || out.Duplicate {
		t.Fatalf("redelivery after restart: %+v, %v", out, err)
	}
	if _, s := session(t, rdb, keys, "c4"); s.Step != "description" || s.Fields["title"] != "Jalan berlubang besar" {
		t.Errorf("conversation did not continue: step %q fields %v", s.Step, s.Fields)
	}
}

// Every write leaves a TTL on the session and the seen mark.
func TestTTLAfterEveryWrite(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	for i, text := range []string{"halo", "lapor", "1"} {
		if _, err := d.Handle(ctx, msg("c5", fmt.Sprint(i), text)); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{keys.Session(bot.ChannelTerminal, "c5"), keys.Seen(bot.ChannelTerminal, "c5", fmt.Sprint(i))} {
			ttl, err := rdb.PTTL(ctx, k).Result()
			if err != nil || ttl <= 0 {
				t.Errorf("after message %d, %s has TTL %v (%v)", i, k, ttl, err)
			}
		}
	}
}

// A stale button press commits nothing but the seen mark.
func TestStaleButton(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	for i, text := range []string{"lapor", "1"} {
		if _, err := d.Handle(ctx, msg("c6", fmt.Sprint(i), text)); err != nil {
			t.Fatal(err)
		}
	}
	v, _ := session(t, rdb, keys, "c6")
	in := msg("c6", "old", "")
	in.Choice = "complaint/category|sampah"
	out, err := d.Handle(ctx, in)
	if err != nil || !out.Stale {
		t.Fatalf("stale press: %+v, %v", out, err)
	}
	if v2, s := session(t, rdb, keys, "c6"); v2 != v || s.Fields["category"] != "jalan" {
		t.Errorf("stale press changed the session: version %d->%d category %q", v, v2, s.Fields["category"])
	}
}

// A citizen who leaves mid-draft and comes back hours later (same chat, real
// Redis) is asked whether to continue; the session in Redis expires with the
// draft TTL.
func TestResumeAfterLeavingMidDraft(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	keys := bot.NewKeys(prefix, 4)
	d := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{DraftTTL: 72 * time.Hour}),
		bot.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	for i, text := range []string{"lapor", "1", "Jembatan retak di Tulangan"} {
		if _, err := d.Handle(ctx, msg("c7", fmt.Sprint(i), text)); err != nil {
			t.Fatal(err)
		}
	}
	ttl, err := rdb.PTTL(ctx, keys.Session(bot.ChannelTerminal, "c7")).Result()
	if err != nil || ttl <= 71*time.Hour || ttl > 72*time.Hour {
		t.Errorf("session TTL = %v, want the 72h draft TTL", ttl)
	}
	now = now.Add(3 * time.Hour)
	if _, err := d.Handle(ctx, msg("c7", "3", "halo")); err != nil {
		t.Fatal(err)
	}
	replies := outbound(t, rdb, keys, "c7")
	last := replies[len(replies)-1]
	if !strings.Contains(last.Text, "Jembatan retak di Tulangan") || !strings.Contains(last.Text, "3 hari") || len(last.Choices) != 2 {
		t.Fatalf("no offer to continue the draft (with its title and how long drafts are kept): %+v", last)
	}
	if _, err := d.Handle(ctx, msg("c7", "4", "lanjutkan")); err != nil {
		t.Fatal(err)
	}
	if _, s := session(t, rdb, keys, "c7"); s.Step != "description" || s.Fields["title"] != "Jembatan retak di Tulangan" {
		t.Errorf("draft not continued: step %q fields %v", s.Step, s.Fields)
	}
}

// Every message of a citizen marks the chat as one that wrote to us (the only
// chats a channel may message later), in the same commit; a flow started by
// an admin does not.
func TestContactMarkOnlyFromCitizens(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	d, keys := newDispatcher(t, rdb, prefix)
	ctx := context.Background()
	if err := d.StartFlow(ctx, bot.ChannelTerminal, "c8", "answer", "SDA-AB2CDE", "Pertanyaan petugas"); err != nil {
		t.Fatal(err)
	}
	key := keys.Contact(bot.ChannelTerminal, "c8")
	if n, _ := rdb.Exists(ctx, key).Result(); n != 0 {
		t.Fatal("a flow started by an admin marked the chat as one that wrote to us")
	}
	if _, err := d.Handle(ctx, msg("c8", "1", "Di depan masjid")); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(ctx, key).Result()
	if err != nil || ttl < bot.ContactTTL-time.Minute {
		t.Errorf("contact mark TTL = %v (%v), want about %v", ttl, err, bot.ContactTTL)
	}
}
