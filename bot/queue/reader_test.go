package queue

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestReaderOwnPendingFirstThenNew(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	a, b := add(t, rdb, stream, 1), add(t, rdb, stream, 2)
	// A previous run of "me" read both and died; then c arrived.
	if _, err := NewReader(rdb, stream, "g", "me").Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	c := add(t, rdb, stream, 3)
	r := NewReader(rdb, stream, "g", "me")
	got, err := r.Read(ctx, 1, 0)
	if err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]string{a}) || !got[0].Redelivered || got[0].Values["n"] != "1" {
		t.Fatalf("first read %+v, %v: want own pending %s", got, err, a)
	}
	got, _ = r.Read(ctx, 10, 0)
	if fmt.Sprint(ids(got)) != fmt.Sprint([]string{b}) || !got[0].Redelivered {
		t.Fatalf("second read %+v: want own pending %s", got, b)
	}
	got, _ = r.Read(ctx, 10, 0)
	if fmt.Sprint(ids(got)) != fmt.Sprint([]string{c}) || got[0].Redelivered {
		t.Fatalf("third read %+v: want new %s", got, c)
	}
}

func TestReaderReadPendingFindsEntriesMovedIn(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	a, b := add(t, rdb, stream, 1), add(t, rdb, stream, 2)
	other := NewReader(rdb, stream, "g", "other")
	if _, err := other.Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	r := NewReader(rdb, stream, "g", "me")
	claim := func(id string) {
		if err := rdb.XClaimJustID(ctx, &redis.XClaimArgs{Stream: stream, Group: "g", Consumer: "me", Messages: []string{id}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	claim(a)
	if got, err := r.ReadPending(ctx, 10); err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]string{a}) {
		t.Fatalf("pending %v, %v", ids(got), err)
	}
	if got, _ := r.ReadPending(ctx, 10); len(got) != 0 {
		t.Fatalf("pending read twice: %v", ids(got))
	}
	claim(b) // a later id moved in: found without a rewind
	if got, _ := r.ReadPending(ctx, 10); fmt.Sprint(ids(got)) != fmt.Sprint([]string{b}) {
		t.Fatalf("pending after move %v", ids(got))
	}
}

func TestReaderRecreatesVanishedGroup(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	r := NewReader(rdb, stream, "g", "me")
	if _, err := r.Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, stream) // e.g. Redis restarted without persistence
	if _, err := r.Read(ctx, 10, 0); !IsNoGroup(err) {
		t.Fatalf("read of a vanished stream: %v, want NOGROUP", err)
	}
	id := add(t, rdb, stream, 1)
	got, err := r.Read(ctx, 10, 0)
	if err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]string{id}) {
		t.Fatalf("after the group came back: %v, %v", ids(got), err)
	}
	if err := EnsureGroup(ctx, rdb, stream, "g"); err != nil {
		t.Fatalf("EnsureGroup on an existing group: %v", err)
	}
}

func TestReaderReclaimTakesOnlyIdleEntries(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	old := add(t, rdb, stream, 1)
	if _, err := NewReader(rdb, stream, "g", "dead").Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	add(t, rdb, stream, 2)
	if _, err := NewReader(rdb, stream, "g", "alive").Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	got, err := NewReader(rdb, stream, "g", "me").Reclaim(ctx, 100*time.Millisecond, 10)
	if err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]string{old}) || !got[0].Redelivered {
		t.Fatalf("reclaimed %v, %v; want only %s", ids(got), err, old)
	}
}

func TestReaderKeepDropsEntriesTakenElsewhere(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	a, b := add(t, rdb, stream, 1), add(t, rdb, stream, 2)
	r := NewReader(rdb, stream, "g", "me")
	if _, err := r.Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	readAt := time.Now()
	time.Sleep(100 * time.Millisecond)
	// Another consumer takes b over meanwhile.
	if err := rdb.XClaimJustID(ctx, &redis.XClaimArgs{Stream: stream, Group: "g", Consumer: "other", Messages: []string{b}}).Err(); err != nil {
		t.Fatal(err)
	}
	idle := time.Since(readAt)
	kept, err := r.Keep(ctx, []Claim{{ID: a, Idle: idle}, {ID: b, Idle: idle}})
	if err != nil || !kept[a] || kept[b] {
		t.Fatalf("kept %v, %v: want %s only", kept, err, a)
	}
	p, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: "g", Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(p) != 2 || p[0].Consumer != "me" || p[0].Idle > 50*time.Millisecond || p[1].Consumer != "other" || p[0].RetryCount != 1 {
		t.Fatalf("pending after keep: %+v, %v (keep must not count a delivery)", p, err)
	}
}

func TestReaderAckDropsRetryState(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	id := add(t, rdb, stream, 1)
	r := NewReader(rdb, stream, "g", "me")
	if _, err := r.Read(ctx, 10, 0); err != nil {
		t.Fatal(err)
	}
	st := RetryState{Failures: 1, Attempts: 1, First: time.UnixMilli(1000), FirstAny: time.UnixMilli(1000), Next: time.UnixMilli(2000)}
	if err := r.SaveState(ctx, id, st); err != nil {
		t.Fatal(err)
	}
	states, dels, err := r.Recall(ctx, []string{id})
	if err != nil || states[id] != st || dels[id] != 1 {
		t.Fatalf("recall %+v %v %v", states, dels, err)
	}
	if err := r.Ack(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if n := rdb.HLen(ctx, RetryKey(stream, "g")).Val(); n != 0 {
		t.Fatalf("%d retry states left after the ack", n)
	}
	if _, dels, _ := r.Recall(ctx, []string{id}); len(dels) != 0 {
		t.Fatalf("acked entry still pending: %v", dels)
	}
}

func TestTrimKeepsPendingAndUndelivered(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	var all []string
	for i := range 6 {
		all = append(all, add(t, rdb, stream, i))
	}
	r := NewReader(rdb, stream, "g", "c")
	if _, err := r.Read(ctx, 4, 0); err != nil { // deliver 4
		t.Fatal(err)
	}
	rdb.XAck(ctx, stream, "g", all[0], all[2], all[3]) // entry 1 stays pending; 4 and 5 undelivered
	rdb.HSet(ctx, RetryKey(stream, "g"), all[0], "stale")
	if _, err := r.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if left := rangeIDs(t, rdb, stream); fmt.Sprint(left) != fmt.Sprint(all[1:]) {
		t.Fatalf("after trim with entry 1 pending: %v, want %v", left, all[1:])
	}
	if n := rdb.HLen(ctx, RetryKey(stream, "g")).Val(); n != 0 {
		t.Fatalf("stale retry state of a trimmed entry kept (%d)", n)
	}
	rdb.XAck(ctx, stream, "g", all[1])
	// A second group that has read nothing yet holds everything back.
	if err := EnsureGroup(ctx, rdb, stream, "late"); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Trim(ctx); err != nil || n != 0 {
		t.Fatalf("trimmed %d, %v while a group had read nothing", n, err)
	}
	rdb.XGroupDestroy(ctx, stream, "late")
	if _, err := r.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if left := rangeIDs(t, rdb, stream); fmt.Sprint(left) != fmt.Sprint(all[4:]) {
		t.Fatalf("after trim with nothing pending: %v, want %v (undelivered kept)", left, all[4:])
	}
}

func TestPruneKeepsPendingSelfRecentAndKept(t *testing.T) {
	rdb, _, stream := testStream(t)
	ctx := context.Background()
	for _, c := range []string{"old", "send:x"} { // nothing pending
		if err := rdb.XGroupCreateConsumer(ctx, stream, "g", c).Err(); err != nil {
			t.Fatal(err)
		}
	}
	add(t, rdb, stream, 1)
	if _, err := NewReader(rdb, stream, "g", "busy").Read(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	rdb.XGroupCreateConsumer(ctx, stream, "g", "me")
	time.Sleep(150 * time.Millisecond)
	rdb.XGroupCreateConsumer(ctx, stream, "g", "fresh")
	n, err := NewReader(rdb, stream, "g", "me").Prune(ctx, 100*time.Millisecond, func(name string) bool { return name == "send:x" })
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	cs, err := rdb.XInfoConsumers(ctx, stream, "g").Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	if fmt.Sprint(names) != "[busy fresh me send:x]" {
		t.Fatalf("consumers left: %v", names)
	}
}
