package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// StreamSink is a DeadLetterSink that logs an ERROR and keeps each dead
// letter in a bounded Redis stream. It is a fallback for as long as no
// database sink is wired: nobody but an operator with redis-cli reads it,
// and the oldest dead letters go once MaxLen is reached.
type StreamSink struct {
	rdb    redis.UniversalClient
	key    string
	maxLen int64
	log    *slog.Logger
}

var _ DeadLetterSink = (*StreamSink)(nil)

// DeadStreamField is the field of a StreamSink entry: the dead letter's JSON.
const DeadStreamField = "d"

// NewStreamSink returns a sink writing to the stream key (e.g.
// "<prefix>:dead"), keeping about maxLen dead letters (10,000 when <= 0).
func NewStreamSink(rdb redis.UniversalClient, key string, maxLen int64, log *slog.Logger) *StreamSink {
	if maxLen <= 0 {
		maxLen = 10000
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &StreamSink{rdb: rdb, key: key, maxLen: maxLen, log: log}
}

// sinkAddScript adds a dead letter once per (stream, entry): a marker key
// in the dead stream's slot is set first; 0 means it was already there.
// KEYS: 1 stream, 2 marker. ARGV: 1 marker TTL ms, 2 max length, 3 field, 4 JSON.
var sinkAddScript = redis.NewScript(`
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', ARGV[3], ARGV[4])
return 1`)

// sinkMarkerTTL is how long a (stream, entry) is remembered as dead-lettered.
const sinkMarkerTTL = 30 * 24 * time.Hour

// AddDeadLetter implements DeadLetterSink. Adding the same (Stream, Entry)
// again is a no-op.
func (s *StreamSink) AddDeadLetter(ctx context.Context, d DeadLetter) error {
	if d.ID == "" {
		d.ID = DeadLetterID(d.Stream, d.Entry)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode dead letter: %w", err)
	}
	marker := SameSlot(s.key, "seen:"+DeadLetterID(d.Stream, d.Entry))
	added, err := sinkAddScript.Run(ctx, s.rdb, []string{s.key, marker},
		sinkMarkerTTL.Milliseconds(), s.maxLen, DeadStreamField, string(b)).Int()
	if err != nil {
		return fmt.Errorf("add dead letter to %s: %w", s.key, err)
	}
	if added == 1 {
		s.log.Error("dead letter: kept in the Redis fallback stream, no database sink is wired",
			"kind", d.Kind, "stream", d.Stream, "entry", d.Entry, "number", d.Number, "target", d.Target,
			"attempts", d.Attempts, "err", d.Error, "dead_stream", s.key)
	}
	return nil
}

// List returns up to n dead letters, newest first.
func (s *StreamSink) List(ctx context.Context, n int64) ([]DeadLetter, error) {
	xs, err := s.rdb.XRevRangeN(ctx, s.key, "+", "-", n).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead letters of %s: %w", s.key, err)
	}
	out := make([]DeadLetter, 0, len(xs))
	for _, x := range xs {
		raw, _ := x.Values[DeadStreamField].(string)
		var d DeadLetter
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("decode dead letter %s of %s: %w", x.ID, s.key, err)
		}
		out = append(out, d)
	}
	return out, nil
}
