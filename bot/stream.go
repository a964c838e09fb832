package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// Stream entry fields. An outbound entry has one field FieldOutbound holding
// the JSON of an Outbound; an action entry has one field FieldAction holding
// the JSON of an ActionEnvelope. The entry id is the message's ID.
const (
	FieldOutbound = "m"
	FieldAction   = "a"
)

// EncodeOutbound is the value of FieldOutbound for msg (msg.ID is not encoded:
// the stream entry id is the ID).
func EncodeOutbound(msg Outbound) (string, error) {
	b, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("encode outbound: %w", err)
	}
	return string(b), nil
}

// DecodeOutbound reads an outbound stream entry; ID is the entry id.
func DecodeOutbound(x redis.XMessage) (Outbound, error) {
	var msg Outbound
	raw, err := streamField(x, FieldOutbound)
	if err != nil {
		return msg, err
	}
	if err := json.Unmarshal([]byte(raw), &msg); err != nil {
		return msg, fmt.Errorf("decode outbound %s: %w", x.ID, err)
	}
	msg.ID = x.ID
	return msg, nil
}

// EncodeAction is the value of FieldAction for env (env.ID is not encoded).
func EncodeAction(env ActionEnvelope) (string, error) {
	b, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("encode action: %w", err)
	}
	return string(b), nil
}

// DecodeAction reads an action stream entry; ID is the entry id.
func DecodeAction(x redis.XMessage) (ActionEnvelope, error) {
	raw, err := streamField(x, FieldAction)
	if err != nil {
		return ActionEnvelope{}, err
	}
	return decodeActionValues(x.ID, map[string]string{FieldAction: raw})
}

// decodeActionValues reads an action entry's fields as a queue.Message has them.
func decodeActionValues(id string, values map[string]string) (ActionEnvelope, error) {
	var env ActionEnvelope
	raw, ok := values[FieldAction]
	if !ok {
		return env, fmt.Errorf("stream entry %s: no field %q", id, FieldAction)
	}
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		return env, fmt.Errorf("decode action %s: %w", id, err)
	}
	env.ID = id
	return env, nil
}

func streamField(x redis.XMessage, name string) (string, error) {
	v, ok := x.Values[name]
	if !ok {
		return "", fmt.Errorf("stream entry %s: no field %q", x.ID, name)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("stream entry %s: field %q is %T, not a string", x.ID, name, v)
	}
	return s, nil
}

// EnsureGroups creates the consumer groups of every shard (GroupSenders on
// the outbound streams, GroupHandlers on the action streams), creating the
// streams if missing. Existing groups are left as they are. Safe to call by
// every replica at start; the readers create them again when they vanish.
func EnsureGroups(ctx context.Context, rdb redis.UniversalClient, keys Keys) error {
	for shard := 0; shard < keys.Shards; shard++ {
		if err := queue.EnsureGroup(ctx, rdb, keys.Outbound(shard), GroupSenders); err != nil {
			return err
		}
		if err := queue.EnsureGroup(ctx, rdb, keys.Actions(shard), GroupHandlers); err != nil {
			return err
		}
	}
	return nil
}

// streamChatHash is a short, stable, non-reversible tag of a chat id for logs
// (chat ids are phone numbers on WhatsApp: never log them). 32 bits: enough
// to follow one chat through the logs, too few to be a phone-number index.
func streamChatHash(chatID string) string {
	h := fnv.New64a()
	h.Write([]byte("aduan-log:"))
	h.Write([]byte(chatID))
	return strconv.FormatUint(h.Sum64()&0xffffffff, 36)
}
