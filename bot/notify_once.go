package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// onceTTL bounds how long NotifyOnce remembers an id: longer than any outbox
// row waits to be relayed.
const onceTTL = 7 * 24 * time.Hour

// Once marks an id as done for NotifyOnce, in the chat's shard so that the
// mark and the outbound stream change in one script, also on Redis Cluster.
func (k Keys) Once(shard int, id string) string { return k.tag(shard) + "once:" + id }

// xaddOnce appends an entry unless the marker exists, and sets the marker:
// one round trip, atomic. KEYS: marker, stream. ARGV: ttl ms, field, value...
var xaddOnce = redis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
  return 1
end
return 0`)

// XAddOnce appends fields to stream unless marker was set before; the marker
// is kept for ttl. Both keys must hash to one slot (share a hash tag). added
// is false for a repeat. It is how at-least-once producers (the complaint
// side's outbox relay) put work on a stream exactly once.
func XAddOnce(ctx context.Context, rdb redis.Scripter, marker, stream string, ttl time.Duration, fields ...string) (added bool, err error) {
	args := make([]any, 0, 1+len(fields))
	args = append(args, ttl.Milliseconds())
	for _, f := range fields {
		args = append(args, f)
	}
	n, err := xaddOnce.Run(ctx, rdb, []string{marker, stream}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("xadd once to %s: %w", stream, err)
	}
	return n == 1, nil
}

// NotifyOnce is Notify that queues msg at most once per id: a repeat with the
// same id (a relay that crashed after queueing and before recording it) is a
// no-op that succeeds.
func (n *QueueNotifier) NotifyOnce(ctx context.Context, id string, msg Outbound) error {
	shard, v, err := n.encode(msg)
	if err != nil {
		return err
	}
	if _, err := XAddOnce(ctx, n.rdb, n.keys.Once(shard, id), n.keys.Outbound(shard), onceTTL, FieldOutbound, v); err != nil {
		return fmt.Errorf("notify %s chat %s: %w", msg.Channel, streamChatHash(msg.ChatID), err)
	}
	return nil
}
