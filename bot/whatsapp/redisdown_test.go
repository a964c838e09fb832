package whatsapp

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
	"github.com/aduan-id/aduan/flows"
)

// Redis goes away: the handler reports failure, so whatsmeow sends no
// receipt and WhatsApp redelivers; once Redis is back the redelivered message
// is processed, and a second redelivery is a duplicate.
func TestRedisDownLeavesMessageForRedelivery(t *testing.T) {
	srv := redistest.NewServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	keys := bot.NewKeys(redistest.Prefix(t), 4)
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	disp := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{}))
	fake := whatsapptest.NewClient()
	a := New(Config{InstanceID: "t"}, fake, disp, nil, set, nil)
	a.attach(context.Background(), rdb, keys)

	if !fake.Dispatch(whatsapptest.Text(testPN, "3EB0R1", "lapor")) {
		t.Fatal("first message not committed")
	}
	srv.Stop()
	evt := whatsapptest.Text(testPN, "3EB0R2", "halo")
	if fake.Dispatch(evt) {
		t.Fatal("handler reported success with Redis down: WhatsApp would not redeliver")
	}
	for _, r := range fake.Reads() {
		if r.IDs[0] == "3EB0R2" {
			t.Fatal("an uncommitted message was marked read")
		}
	}
	srv.Restart()
	if !fake.Dispatch(evt) {
		t.Fatal("redelivered message not committed after Redis came back")
	}
	if !fake.Dispatch(evt) {
		t.Fatal("second redelivery failed")
	}
	st := a.Stats()
	if st.Inbound != 2 || st.Duplicates != 1 || st.InboundFailed != 1 {
		t.Fatalf("stats = %+v, want 2 committed, 1 duplicate, 1 failed", st)
	}
	if got := disp.Stats().Handled.Load(); got != 2 {
		t.Fatalf("dispatcher handled %d messages, want 2", got)
	}
}
