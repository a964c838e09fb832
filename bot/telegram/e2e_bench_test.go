package telegram_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// BenchmarkWebhookCommit measures one update from webhook arrival to its
// commit in Redis (answer 200): HTTP, conversion, the dispatcher's two round
// trips and the flow engine; replies stay queued. Chats are distinct, as in a
// busy hour.
//
//	go test -run XXX -bench WebhookCommit -benchtime 3000x ./bot/telegram/
func BenchmarkWebhookCommit(b *testing.B) {
	w := newWorldWith(b, worldOptions{noReplies: true})
	var next atomic.Int64
	b.SetParallelism(8) // 16 requests in flight on 2 cores, like Telegram's parallel connections
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			u := telegramtest.NewUpdates(1_000_000+i, "id", 10*i)
			if code := w.post(u.Text("lapor")); code != 200 {
				b.Errorf("status %d for chat %s", code, strconv.FormatInt(i, 10))
			}
		}
	})
}
