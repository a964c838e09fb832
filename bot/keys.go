package bot

import (
	"hash/fnv"
	"strconv"
	"time"
)

// Keys names every Redis key of the messaging core. A conversation hashes to
// one of Shards shards; its session, seen ids, tracking-number reservations and
// its shard's outbound and action streams share a hash tag ({s7}), so the
// one-round-trip commit stays atomic in one Redis Cluster slot. Readers of the
// streams walk all shards, which also gives N-way parallel sending with per-chat
// order (a chat always lands in the same shard).
type Keys struct {
	Prefix string // "aduan" in production; a unique prefix per test
	Shards int    // fixed for the life of a deployment: changing it moves chats
}

// NewKeys returns the key layout with sane defaults.
func NewKeys(prefix string, shards int) Keys {
	if prefix == "" {
		prefix = "aduan"
	}
	if shards <= 0 {
		shards = 16
	}
	return Keys{Prefix: prefix, Shards: shards}
}

// Shard is the shard of a conversation.
func (k Keys) Shard(channel, chatID string) int {
	h := fnv.New32a()
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write([]byte(chatID))
	return int(h.Sum32() % uint32(k.Shards))
}

func (k Keys) tag(shard int) string {
	return k.Prefix + ":{s" + strconv.Itoa(shard) + "}:"
}

// Session holds a conversation's state (flows.Session, versioned).
func (k Keys) Session(channel, chatID string) string {
	return k.tag(k.Shard(channel, chatID)) + "sess:" + channel + ":" + chatID
}

// Seen marks an inbound message id of a chat as processed (48 h). The chat is
// part of the key: ids are unique per chat on WhatsApp, not per channel.
func (k Keys) Seen(channel, chatID, messageID string) string {
	return k.tag(k.Shard(channel, chatID)) + "seen:" + channel + ":" + chatID + ":" + messageID
}

// Tracking reserves a tracking number. A candidate is drawn so that it hashes
// to the conversation's own shard (see TrackingShard), so the reservation is
// part of the same atomic commit and unique across all shards.
func (k Keys) Tracking(shard int, number string) string {
	return k.tag(shard) + "trk:" + number
}

// Contact marks a chat that wrote to us; every committed inbound message
// renews it (ContactTTL). Only such chats are ever messaged: an admin's reply
// weeks later may go out, a message to someone who never wrote may not
// (WhatsApp bans numbers that do that).
func (k Keys) Contact(channel, chatID string) string {
	return k.tag(k.Shard(channel, chatID)) + "contact:" + channel + ":" + chatID
}

// ContactTTL is how long a chat that wrote to us may be answered.
const ContactTTL = 90 * 24 * time.Hour

// Outbound is a shard's stream of replies waiting to be sent.
func (k Keys) Outbound(shard int) string { return k.tag(shard) + "out" }

// Actions is a shard's stream of actions (submit, status, ...) for handlers.
func (k Keys) Actions(shard int) string { return k.tag(shard) + "act" }

// Sent marks an outbound entry as delivered, so a reclaimed entry is not sent
// twice.
func (k Keys) Sent(shard int, entryID string) string { return k.tag(shard) + "sent:" + entryID }

// DeadLetters is the bounded stream where the fallback dead-letter sink
// (queue.StreamSink) keeps what the workers gave up on while no database
// sink is wired.
func (k Keys) DeadLetters() string { return k.Prefix + ":dead" }

// SendLease is the lease of one channel's replies in a shard: its holder is
// the only process sending that channel's entries of the shard.
func (k Keys) SendLease(channel string, shard int) string {
	return k.tag(shard) + "out:lease:" + channel
}

// Senders is the sorted set of the processes that can send a channel now
// (their heartbeats), over which the channel's shards are spread.
func (k Keys) Senders(channel string) string { return k.Prefix + ":senders:" + channel }

// Unreachable marks a chat that blocked the bot (Telegram 403).
func (k Keys) Unreachable(channel, chatID string) string {
	return k.tag(k.Shard(channel, chatID)) + "unreach:" + channel + ":" + chatID
}

// RateChat and RateGlobal are the token buckets of the reply sender, shared by
// all replicas.
func (k Keys) RateChat(channel, chatID string) string {
	return k.tag(k.Shard(channel, chatID)) + "rate:" + channel + ":" + chatID
}

// RateGlobal is the channel-wide send budget.
func (k Keys) RateGlobal(channel string) string { return k.Prefix + ":rate:{" + channel + "}" }

// Group is the consumer group name of the stream readers.
const (
	GroupSenders  = "senders"
	GroupHandlers = "handlers"
)
