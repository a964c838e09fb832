package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
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
	var env ActionEnvelope
	raw, err := streamField(x, FieldAction)
	if err != nil {
		return env, err
	}
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		return env, fmt.Errorf("decode action %s: %w", x.ID, err)
	}
	env.ID = x.ID
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
// every replica at start.
func EnsureGroups(ctx context.Context, rdb redis.UniversalClient, keys Keys) error {
	for shard := 0; shard < keys.Shards; shard++ {
		if err := streamEnsureGroup(ctx, rdb, keys.Outbound(shard), GroupSenders); err != nil {
			return err
		}
		if err := streamEnsureGroup(ctx, rdb, keys.Actions(shard), GroupHandlers); err != nil {
			return err
		}
	}
	return nil
}

func streamEnsureGroup(ctx context.Context, rdb redis.UniversalClient, stream, group string) error {
	err := rdb.XGroupCreateMkStream(ctx, stream, group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group %s on %s: %w", group, stream, err)
	}
	return nil
}

// streamNoGroup reports a stream or group that vanished (deleted by an operator):
// the reader recreates it.
func streamNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

// streamStop reports a context ended or a closed client: a reader stops.
func streamStop(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, redis.ErrClosed)
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
