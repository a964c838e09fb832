package bot

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// BenchmarkReplySender measures sends per second through a no-op Sender with
// limits off: the cost of the sender's own Redis work (read, checks, ack +
// sent marker) per reply.
func BenchmarkReplySender(b *testing.B) {
	for _, chats := range []int{1, 1000} {
		b.Run("chats="+strconv.Itoa(chats), func(b *testing.B) {
			rdb, keys := benchKeys(b, 16)
			ctx := context.Background()
			pipe := rdb.Pipeline()
			for i := 0; i < b.N; i++ {
				chat := strconv.Itoa(i % chats)
				v, _ := EncodeOutbound(Outbound{Channel: ChannelTelegram, ChatID: chat, Text: "Laporan Anda diterima. Nomor: SDA-7KQ2MX"})
				pipe.XAdd(ctx, &redis.XAddArgs{Stream: keys.Outbound(keys.Shard(ChannelTelegram, chat)), Values: []any{FieldOutbound, v}})
				if pipe.Len() >= 500 {
					if _, err := pipe.Exec(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, err := pipe.Exec(ctx); err != nil {
				b.Fatal(err)
			}
			s := NewReplySender(rdb, keys, map[string]Sender{ChannelTelegram: &fakeSender{}},
				SenderConfig{Limits: map[string]Limit{}, Block: 100 * time.Millisecond}, nil)
			b.ResetTimer()
			start := time.Now()
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { _ = s.Run(rctx); close(done) }()
			for s.Stats().Sent < int64(b.N) {
				time.Sleep(time.Millisecond)
			}
			el := time.Since(start)
			b.StopTimer()
			cancel()
			<-done
			b.ReportMetric(float64(b.N)/el.Seconds(), "sends/s")
		})
	}
}
