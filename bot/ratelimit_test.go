package bot

import (
	"context"
	"testing"
	"time"
)

func TestGCRABurstThenWaitThenRefund(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	r := &rateLimiter{keys: keys, limits: map[string]Limit{ChannelTelegram: {PerChatPerSecond: 1, PerChatBurst: 3}}}
	take := func() (*rateBooking, time.Duration, bool) {
		t.Helper()
		pipe := rdb.Pipeline()
		b := r.queue(ctx, pipe, ChannelTelegram, "1")
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		chatWait, globalWait, chatBooked, globalBooked, err := b.wait()
		if err != nil || globalWait != 0 || globalBooked {
			t.Fatalf("wait: %v %v %v (no global limit set)", globalWait, globalBooked, err)
		}
		return b, chatWait, chatBooked
	}
	for i := 1; i <= 3; i++ {
		if _, w, ok := take(); !ok || w != 0 {
			t.Fatalf("message %d of the burst: booked=%v wait=%s", i, ok, w)
		}
	}
	b, w, ok := take()
	if ok || w <= 0 || w > time.Second {
		t.Fatalf("4th message: booked=%v wait=%s, want a wait in (0, 1s]", ok, w)
	}
	if ttl := rdb.PTTL(ctx, keys.RateChat(ChannelTelegram, "1")).Val(); ttl <= 0 || ttl > 5*time.Second {
		t.Fatalf("bucket TTL %s", ttl)
	}
	// Give one booking back (as when the global bucket said no): the next
	// message may go at once.
	if err := b.refund(ctx, rdb, true, false); err != nil {
		t.Fatal(err)
	}
	if _, w, ok := take(); !ok || w != 0 {
		t.Fatalf("after refund: booked=%v wait=%s", ok, w)
	}
	if _, _, ok := take(); ok {
		t.Fatal("refund gave back more than one message")
	}
}

func TestUnlimitedChannelQueuesNothing(t *testing.T) {
	rdb, keys := testKeys(t, 1)
	ctx := context.Background()
	r := &rateLimiter{keys: keys, limits: DefaultLimits()}
	pipe := rdb.Pipeline()
	b := r.queue(ctx, pipe, ChannelTerminal, "1")
	if pipe.Len() != 0 {
		t.Fatalf("terminal: %d commands queued, want none", pipe.Len())
	}
	cw, gw, _, _, err := b.wait()
	if cw != 0 || gw != 0 || err != nil {
		t.Fatalf("terminal wait %s/%s, %v", cw, gw, err)
	}
}
