package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
)

// The transactional outbox on both dialects, with the real Redis side (the
// bot's QueueNotifier and its once-markers): a report change and its notice
// commit together, and the relay puts the notice on the citizen's outbound
// stream exactly once whatever crashes in between.
func TestOutbox(t *testing.T) { forEachDialect(t, testOutbox) }

func testOutbox(t *testing.T, dialect string) {
	var (
		rdb      redis.UniversalClient
		keys     bot.Keys
		notifier *bot.QueueNotifier
	)
	setup := func(t *testing.T) (api.ReportStore, *api.Service, *api.Relay) {
		var prefix string
		rdb, prefix = redistest.Client(t)
		keys = bot.NewKeys(prefix, 4)
		notifier = bot.NewNotifier(rdb, keys)
		citizens := realNotices{notifier, &fakeCitizens{seen: map[string]bool{}}}
		store := sqlstoretest.Open(t, dialect)
		svc := api.NewService(store, rdb, prefix, testCatalog(t), citizens, testTexts(t), nil)
		if err := svc.HandleAction(ctxT(t), submitEnv("SDA-OBX001", "telegram", "4242", "public")); err != nil {
			t.Fatal(err)
		}
		relay := api.NewRelay(svc)
		if _, err := relay.Drain(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		return store, svc, relay
	}
	replies := func(t *testing.T) []string {
		stream := keys.Outbound(keys.Shard("telegram", "4242"))
		xs, err := rdb.XRange(ctxT(t), stream, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range xs {
			m, err := bot.DecodeOutbound(x)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.Text, "Balasan petugas") {
				out = append(out, m.Text)
			}
		}
		return out
	}

	t.Run("relay killed between XADD and delete: the notice is sent once", func(t *testing.T) {
		store, svc, relay := setup(t)
		ctx := ctxT(t)
		if err := svc.Reply(ctx, "SDA-OBX001", "admin1", "Petugas menuju lokasi", "form-1"); err != nil {
			t.Fatal(err)
		}
		rows, err := store.Outbox(ctx, 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("outbox holds %d rows (%v), want the one notice", len(rows), err)
		}
		// The relay that died did exactly this before it could delete the row.
		var msg bot.Outbound
		mustUnmarshal(t, rows[0].Payload, &msg)
		if err := notifier.NotifyOnce(ctx, rows[0].ID, msg); err != nil {
			t.Fatal(err)
		}
		// The next relay finds the row again and relays it again.
		if n, err := relay.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("restarted relay relayed %d (%v)", n, err)
		}
		if got := replies(t); len(got) != 1 {
			t.Fatalf("citizen's stream holds %d replies, want 1: %q", len(got), got)
		}
		if rows, _ := store.Outbox(ctx, 10); len(rows) != 0 {
			t.Fatalf("outbox still holds %d rows", len(rows))
		}
	})

	t.Run("the same admin form submitted twice: one entry, one message", func(t *testing.T) {
		_, svc, relay := setup(t)
		ctx := ctxT(t)
		for range 2 {
			if err := svc.Reply(ctx, "SDA-OBX001", "admin1", "Petugas menuju lokasi", "form-2"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := relay.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		r, _ := svc.Get(ctx, "SDA-OBX001")
		if n := countEvents(r, api.EventReply); n != 1 {
			t.Fatalf("%d replies on the timeline, want 1", n)
		}
		if got := replies(t); len(got) != 1 {
			t.Fatalf("citizen got %d replies, want 1", len(got))
		}
		// A new form (another request id) is another reply.
		if err := svc.Reply(ctx, "SDA-OBX001", "admin1", "Petugas menuju lokasi", "form-3"); err != nil {
			t.Fatal(err)
		}
		if _, err := relay.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := replies(t); len(got) != 2 {
			t.Fatalf("citizen got %d replies after a second form, want 2", len(got))
		}
	})

	t.Run("a transaction that fails after the report update changes and sends nothing", func(t *testing.T) {
		store, svc, relay := setup(t)
		ctx := ctxT(t)
		before, _ := svc.Get(ctx, "SDA-OBX001")
		boom := errors.New("boom")
		_, err := store.Update(ctx, "SDA-OBX001", func(r *api.Report) ([]api.Effect, error) {
			r.Status = api.StatusInProgress
			r.Timeline = append(r.Timeline, api.Event{ID: "x1", Kind: api.EventReply, Actor: "admin1", Text: "tidak jadi"})
			return nil, fmt.Errorf("after the change: %w", boom)
		})
		if !errors.Is(err, boom) {
			t.Fatalf("update error %v, want boom", err)
		}
		// The connection is lost inside the transaction, after the change
		// and its notice were computed: nothing of it may be committed.
		lost, lose := context.WithCancel(ctx)
		_, err = store.Update(lost, "SDA-OBX001", func(r *api.Report) ([]api.Effect, error) {
			r.Status = api.StatusInProgress
			r.Timeline = append(r.Timeline, api.Event{ID: "x2", Kind: api.EventReply, Actor: "admin1", Text: "tidak jadi"})
			notice := api.Effect{ID: "SDA-OBX001:n:x2", Kind: api.EffectNotice, Number: r.Number,
				Payload: []byte(`{"ch":"telegram","chat":"4242","text":"Balasan petugas: tidak jadi"}`)}
			lose()
			return []api.Effect{notice}, nil
		})
		if err == nil {
			t.Fatal("an update whose connection was lost reported success")
		}
		if _, err := relay.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		after, _ := svc.Get(ctx, "SDA-OBX001")
		if after.Status != before.Status || len(after.Timeline) != len(before.Timeline) {
			t.Fatalf("report changed: status %s -> %s, %d -> %d events", before.Status, after.Status,
				len(before.Timeline), len(after.Timeline))
		}
		if got := replies(t); len(got) != 0 {
			t.Fatalf("citizen got %q", got)
		}
	})
}

// realNotices sends notices through the real notifier (the citizen's
// outbound stream in Redis) and records flow starts.
type realNotices struct {
	*bot.QueueNotifier
	flows *fakeCitizens
}

func (r realNotices) StartFlowOnce(ctx context.Context, id, channel, chat, flow, pending, intro string) error {
	return r.flows.StartFlowOnce(ctx, id, channel, chat, flow, pending, intro)
}

func countEvents(r *api.Report, kind api.EventKind) int {
	n := 0
	for _, e := range r.Timeline {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func mustUnmarshal(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// Redis goes away between the report's commit and its notice: the admin's
// reply is stored (the database is up), the relay cannot put the notice on the
// stream and keeps the row; when Redis is back the citizen gets it once.
func TestOutboxRedisDownBetweenCommitAndNotice(t *testing.T) {
	srv := redistest.NewServer(t)
	rdb, prefix := redistest.ClientAt(t, srv.Addr())
	keys := bot.NewKeys(prefix, 4)
	store := sqlstoretest.Open(t, "sqlite")
	svc := api.NewService(store, rdb, prefix, testCatalog(t), realNotices{bot.NewNotifier(rdb, keys),
		&fakeCitizens{seen: map[string]bool{}}}, testTexts(t), nil)
	relay := api.NewRelay(svc)
	ctx := ctxT(t)
	if err := svc.HandleAction(ctx, submitEnv("SDA-RDS001", "telegram", "77", "public")); err != nil {
		t.Fatal(err)
	}
	if _, err := relay.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := svc.Reply(ctx, "SDA-RDS001", "admin1", "Petugas menuju lokasi", "form-r"); err != nil {
		t.Fatalf("the reply needs only the database: %v", err)
	}
	if _, err := relay.Drain(ctx); err == nil {
		t.Fatal("the relay reported success with Redis down")
	}
	if rows, _ := store.Outbox(ctx, 10); len(rows) != 1 {
		t.Fatalf("outbox holds %d rows while Redis is down, want the notice kept", len(rows))
	}
	srv.Restart()
	for range 2 { // and a second drain changes nothing
		if _, err := relay.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	xs, err := rdb.XRange(ctx, keys.Outbound(keys.Shard("telegram", "77")), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range xs {
		m, _ := bot.DecodeOutbound(x)
		n += strings.Count(m.Text, "Petugas menuju lokasi")
	}
	if n != 1 {
		t.Fatalf("citizen's stream holds the reply %d times, want 1", n)
	}
}

// An outbox row that can never be relayed (its payload does not decode: a
// bug, or a row written by another version) neither blocks the outbox nor
// vanishes: it becomes a dead letter on the console's page.
func TestRelayPoisonRowIsDeadLettered(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-PSN001", "telegram", "5", "public")); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	_, err := e.store.Update(ctx, "SDA-PSN001", func(r *api.Report) ([]api.Effect, error) {
		r.Timeline = append(r.Timeline, api.Event{ID: "bad", Kind: api.EventInternalNote, Actor: "x", Text: "x"})
		return []api.Effect{{ID: "SDA-PSN001:n:bad", Kind: api.EffectNotice, Number: r.Number, Payload: []byte("not json")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if rows, _ := e.store.Outbox(ctx, 10); len(rows) != 0 {
		t.Fatalf("the poison row is still in the outbox: %+v", rows)
	}
	dead, _ := e.deadLetters(ctx)
	if len(dead) != 1 || dead[0].Number != "SDA-PSN001" || dead[0].Kind != api.DeadReply || !strings.Contains(dead[0].Error, "cannot be relayed") {
		t.Fatalf("dead letters %+v", dead)
	}
}
