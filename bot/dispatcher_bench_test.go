package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/redistest"
)

// roundTrips counts Redis round trips: a command or a whole pipeline is one.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkDispatcher measures inbound messages per second through the whole
// hot path (load, engine, commit) on the real Redis, and the Redis round trips
// per message. Each iteration is one message of one of 1,000 citizens walking
// through the complaint flow.
func BenchmarkDispatcher(b *testing.B) {
	rdb, prefix := redistest.Client(b)
	counter := &roundTrips{}
	rdb.AddHook(counter)
	d, _ := newDispatcher(b, rdb, prefix)
	ctx := context.Background()
	script := []string{"halo", "1", "1", "Jalan berlubang besar", "Lubang besar di depan sekolah, sudah dua minggu.",
		"kemarin", "Jl. Raya Candi 5", "candi", "lewati", "rahasia", "lewati", "lewati"}
	// Warm the script cache so the one-time EVAL fallback is not counted.
	if _, err := d.Handle(ctx, msg("warm", "0", "halo")); err != nil {
		b.Fatal(err)
	}
	counter.n.Store(0)
	var seq atomic.Int64
	b.ReportAllocs()
	// Webhook deliveries arrive concurrently (Telegram: up to 40 connections).
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1) - 1
			chat := fmt.Sprintf("bench%d", i%1000)
			step := int(i/1000) % len(script)
			if _, err := d.Handle(ctx, msg(chat, fmt.Sprint(i), script[step])); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(counter.n.Load())/float64(b.N), "roundtrips/msg")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
