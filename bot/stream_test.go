package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
	"github.com/redis/go-redis/v9"
)

// testKeys is a key layout under a unique prefix.
func testKeys(t *testing.T, shards int) (redis.UniversalClient, Keys) {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	keys := NewKeys(prefix, shards)
	if err := EnsureGroups(context.Background(), rdb, keys); err != nil {
		t.Fatal(err)
	}
	return rdb, keys
}

// benchKeys is testKeys for a benchmark.
func benchKeys(b *testing.B, shards int) (redis.UniversalClient, Keys) {
	b.Helper()
	rdb, prefix := redistest.Client(b)
	keys := NewKeys(prefix, shards)
	if err := EnsureGroups(context.Background(), rdb, keys); err != nil {
		b.Fatal(err)
	}
	return rdb, keys
}

// waitFor polls cond until it holds; the deadline only bounds a hung test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOutboundCodecRoundTrip(t *testing.T) {
	in := Outbound{Channel: ChannelTelegram, ChatID: "42", Lang: "id", Text: "Halo 👋🏽\x00\r\n*bold*",
		Choices: []flows.Choice{{Value: "a", Label: "A"}}, Ask: flows.AskLocation, Step: "loc", Notice: true,
		Ref: "SDA-7KQ2MX/ev-1"}
	v, err := EncodeOutbound(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeOutbound(redis.XMessage{ID: "1-2", Values: map[string]any{FieldOutbound: v}})
	if err != nil {
		t.Fatal(err)
	}
	in.ID = "1-2"
	if fmt.Sprint(out) != fmt.Sprint(in) {
		t.Fatalf("round trip: got %+v, want %+v", out, in)
	}
}

func TestActionCodecRoundTrip(t *testing.T) {
	in := ActionEnvelope{Channel: ChannelWhatsApp, ChatID: "c", UserID: "u", Lang: "en",
		Action: flows.Action{Kind: flows.ActionSubmit, Tracking: "SDA-1", Fields: map[string]string{"title": "x"}},
		At:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	v, err := EncodeAction(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeAction(redis.XMessage{ID: "9-0", Values: map[string]any{FieldAction: v}})
	if err != nil {
		t.Fatal(err)
	}
	in.ID = "9-0"
	if fmt.Sprint(out) != fmt.Sprint(in) {
		t.Fatalf("round trip: got %+v, want %+v", out, in)
	}
}

func TestDecodeBadEntries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]any
	}{
		{"missing field", map[string]any{"x": "{}"}},
		{"not json", map[string]any{FieldOutbound: "{", FieldAction: "{"}},
		{"not a string", map[string]any{FieldOutbound: 5, FieldAction: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeOutbound(redis.XMessage{ID: "1-0", Values: tc.values}); err == nil {
				t.Error("DecodeOutbound accepted a bad entry")
			}
			if _, err := DecodeAction(redis.XMessage{ID: "1-0", Values: tc.values}); err == nil {
				t.Error("DecodeAction accepted a bad entry")
			}
		})
	}
}

func TestEnsureGroupsIdempotent(t *testing.T) {
	rdb, keys := testKeys(t, 3)
	ctx := context.Background()
	if err := EnsureGroups(ctx, rdb, keys); err != nil {
		t.Fatalf("second EnsureGroups: %v", err)
	}
	for s := 0; s < keys.Shards; s++ {
		for stream, group := range map[string]string{keys.Outbound(s): GroupSenders, keys.Actions(s): GroupHandlers} {
			gs, err := rdb.XInfoGroups(ctx, stream).Result()
			if err != nil || len(gs) != 1 || gs[0].Name != group {
				t.Fatalf("%s groups = %v, %v", stream, gs, err)
			}
		}
	}
}

func TestNotifierQueuesOnChatShard(t *testing.T) {
	rdb, keys := testKeys(t, 4)
	ctx := context.Background()
	n := NewNotifier(rdb, keys)
	if err := n.Notify(ctx, Outbound{Channel: ChannelTelegram, ChatID: "77", Text: "status: selesai", Notice: true}); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(ctx, Outbound{Channel: ChannelTelegram, Text: "x"}); err == nil {
		t.Fatal("Notify without chat id succeeded")
	}
	if err := n.Notify(ctx, Outbound{Channel: ChannelTelegram, ChatID: "77", Text: "answer"}); err != nil {
		t.Fatal(err)
	}
	xs, err := rdb.XRange(ctx, keys.Outbound(keys.Shard(ChannelTelegram, "77")), "-", "+").Result()
	if err != nil || len(xs) != 2 {
		t.Fatalf("entries = %v, %v", xs, err)
	}
	msg, err := DecodeOutbound(xs[0])
	if err != nil || msg.ChatID != "77" || !msg.Notice || msg.Text != "status: selesai" {
		t.Fatalf("queued %+v, %v", msg, err)
	}
	if msg, err := DecodeOutbound(xs[1]); err != nil || msg.Notice || msg.Text != "answer" {
		t.Fatalf("queued %+v, %v: Notice must be kept as given", msg, err)
	}
}
