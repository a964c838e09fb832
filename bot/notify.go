package bot

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// QueueNotifier is the Notifier of the messaging core: it appends a message to
// the outbound stream of the chat's shard, where the reply sender delivers it
// with the same rate limits, order and retries as replies. The stream is never
// trimmed on append (no MAXLEN): an unsent entry is never dropped.
type QueueNotifier struct {
	rdb  redis.UniversalClient
	keys Keys
}

var _ Notifier = (*QueueNotifier)(nil)

// NewNotifier returns a Notifier writing to the outbound streams of keys.
func NewNotifier(rdb redis.UniversalClient, keys Keys) *QueueNotifier {
	return &QueueNotifier{rdb: rdb, keys: keys}
}

// Notify implements Notifier. msg.ID is ignored. msg.Notice is kept as given:
// an answer to a citizen's own request (a status query handled by an action)
// is not a notice; an admin's reply or a status change is.
func (n *QueueNotifier) Notify(ctx context.Context, msg Outbound) error {
	shard, v, err := n.encode(msg)
	if err != nil {
		return err
	}
	stream := n.keys.Outbound(shard)
	if err := n.rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{FieldOutbound, v}}).Err(); err != nil {
		return fmt.Errorf("notify %s chat %s: queue: %w", msg.Channel, streamChatHash(msg.ChatID), err)
	}
	return nil
}

// encode checks msg and returns its shard and stream value.
func (n *QueueNotifier) encode(msg Outbound) (shard int, value string, err error) {
	if msg.Channel == "" || msg.ChatID == "" {
		return 0, "", fmt.Errorf("notify: channel and chat id are required")
	}
	v, err := EncodeOutbound(msg)
	if err != nil {
		return 0, "", err
	}
	return n.keys.Shard(msg.Channel, msg.ChatID), v, nil
}
