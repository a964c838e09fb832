package bot

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// groupReader reads one stream through a consumer group the way every reader
// here must: first this consumer's own pending entries (after a restart or a
// takeover they were delivered but never acknowledged), then new ones.
type groupReader struct {
	rdb      redis.UniversalClient
	stream   string
	group    string
	consumer string
	// cursor is the read position in the consumer's own pending entries ("0"
	// to start over); "" reads new entries.
	cursor string
}

// read returns up to count entries and whether they are re-reads of pending
// entries. It blocks up to block for new entries (never when re-reading, or
// when block is under a millisecond: BLOCK 0 would wait forever). A missing
// group is created again (a stream deleted by hand) before the error returns.
func (r *groupReader) read(ctx context.Context, count int64, block time.Duration) ([]redis.XMessage, bool, error) {
	id := ">"
	if r.cursor != "" {
		id = r.cursor
	}
	if r.cursor != "" || block < time.Millisecond {
		block = -1
	}
	res, err := r.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: r.group, Consumer: r.consumer, Streams: []string{r.stream, id}, Count: count, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		r.cursor = ""
		return nil, false, nil
	}
	if err != nil {
		if streamNoGroup(err) {
			_ = streamEnsureGroup(ctx, r.rdb, r.stream, r.group)
		}
		return nil, false, err
	}
	var msgs []redis.XMessage
	for _, st := range res {
		msgs = append(msgs, st.Messages...)
	}
	if r.cursor != "" {
		if len(msgs) == 0 {
			r.cursor = "" // own pending entries all re-read: on to new ones
		} else {
			r.cursor = msgs[len(msgs)-1].ID
		}
	}
	return msgs, id != ">", nil
}
