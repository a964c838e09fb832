package bot

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limit is the send budget of one channel. A rate of 0 means no limit of that
// kind. Buckets live in Redis (keys.RateChat, keys.RateGlobal), so every
// replica shares them.
type Limit struct {
	PerChatPerSecond float64 // sustained messages per second to one chat
	PerChatBurst     int     // messages a quiet chat may get at once (>= 1)
	GlobalPerSecond  float64 // sustained messages per second on the channel
	GlobalBurst      int     // messages the channel may send at once (>= 1)
}

// DefaultLimits are the budgets used when SenderConfig.Limits is nil:
// Telegram's documented ~1/s per chat (short bursts tolerated) and ~30/s
// overall; a conservative budget for WhatsApp (an unofficial client: sending
// fast is a ban reason); none for the terminal.
func DefaultLimits() map[string]Limit {
	return map[string]Limit{
		ChannelTelegram: {PerChatPerSecond: 1, PerChatBurst: 3, GlobalPerSecond: 30, GlobalBurst: 5},
		ChannelWhatsApp: {PerChatPerSecond: 0.5, PerChatBurst: 2, GlobalPerSecond: 10, GlobalBurst: 3},
		ChannelTerminal: {},
	}
}

// gcraScript is a GCRA token bucket on one key, clocked by the Redis server
// (TIME), so replicas with skewed clocks share one budget. The key holds the
// theoretical arrival time in microseconds.
//
// KEYS[1] bucket; ARGV[1] emission interval (µs); ARGV[2] burst;
// ARGV[3] "take" or "refund".
// take returns 0 when a message may go now (and books it), else the wait in µs.
// refund gives back one booked message (after the other bucket said no).
const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[3] == 'refund' then
  if tat > now then
    local nt = tat - T
    if nt <= now then
      redis.call('DEL', KEYS[1])
    else
      redis.call('SET', KEYS[1], string.format('%d', nt), 'PX', string.format('%d', math.ceil((nt - now) / 1000) + 1000))
    end
  end
  return 0
end
if tat < now then tat = now end
local new = tat + T
local allowAt = new - T * burst
if allowAt > now then
  return math.ceil(allowAt - now)
end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', string.format('%d', math.ceil((new - now) / 1000) + 1000))
return 0
`

// gcra runs gcraScript by its SHA (EVALSHA): the script text is not sent
// with every booking. A Redis that lost its script cache (a restart) answers
// NOSCRIPT once; loadScripts puts it back.
var gcra = redis.NewScript(gcraScript)

// isNoScript reports a NOSCRIPT answer of a pipelined EVALSHA, also
// wrapped ("rate limit: NOSCRIPT …": a pipeline whose first error was
// another command's redis.Nil reports it only through the booking).
func isNoScript(err error) bool {
	return redis.HasErrorPrefix(err, "NOSCRIPT")
}

// rateLimiter books sends against a channel's per-chat and global buckets.
type rateLimiter struct {
	keys   Keys
	limits map[string]Limit
}

// rateBooking is one pending pair of bucket decisions, queued on a pipeline.
type rateBooking struct {
	chatKey, globalKey string
	chat, global       *redis.Cmd
	lim                Limit
}

// queue adds the bucket checks of one send to pipe (nothing for an unlimited
// channel). Read the result with wait after the pipeline ran.
func (r *rateLimiter) queue(ctx context.Context, pipe redis.Pipeliner, channel, chatID string) *rateBooking {
	lim := r.limits[channel]
	b := &rateBooking{lim: lim}
	if lim.PerChatPerSecond > 0 {
		b.chatKey = r.keys.RateChat(channel, chatID)
		b.chat = gcra.EvalSha(ctx, pipe, []string{b.chatKey}, rateInterval(lim.PerChatPerSecond), max(lim.PerChatBurst, 1), "take")
	}
	if lim.GlobalPerSecond > 0 {
		b.globalKey = r.keys.RateGlobal(channel)
		b.global = gcra.EvalSha(ctx, pipe, []string{b.globalKey}, rateInterval(lim.GlobalPerSecond), max(lim.GlobalBurst, 1), "take")
	}
	return b
}

// wait is how long the send must wait for each bucket (0: go now), and
// whether each bucket booked it. An error means Redis failed: do not send.
func (b *rateBooking) wait() (chatWait, globalWait time.Duration, chatBooked, globalBooked bool, err error) {
	read := func(cmd *redis.Cmd) (time.Duration, bool, error) {
		if cmd == nil {
			return 0, false, nil
		}
		us, err := cmd.Int64()
		if err != nil {
			return 0, false, fmt.Errorf("rate limit: %w", err)
		}
		return time.Duration(us) * time.Microsecond, us == 0, nil
	}
	if chatWait, chatBooked, err = read(b.chat); err != nil {
		return 0, 0, false, false, err
	}
	if globalWait, globalBooked, err = read(b.global); err != nil {
		return 0, 0, false, false, err
	}
	return chatWait, globalWait, chatBooked, globalBooked, nil
}

// refund gives back the bookings of a message that was not sent after all.
func (b *rateBooking) refund(ctx context.Context, rdb redis.UniversalClient, chat, global bool) error {
	if !chat && !global {
		return nil
	}
	pipe := rdb.Pipeline()
	if chat && b.chat != nil {
		gcra.EvalSha(ctx, pipe, []string{b.chatKey}, rateInterval(b.lim.PerChatPerSecond), max(b.lim.PerChatBurst, 1), "refund")
	}
	if global && b.global != nil {
		gcra.EvalSha(ctx, pipe, []string{b.globalKey}, rateInterval(b.lim.GlobalPerSecond), max(b.lim.GlobalBurst, 1), "refund")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		if isNoScript(err) {
			_ = gcra.Load(ctx, rdb).Err()
		}
		return fmt.Errorf("rate limit refund: %w", err)
	}
	return nil
}

// rateInterval is the emission interval of a rate, in microseconds.
func rateInterval(perSecond float64) int64 {
	return int64(1e6 / perSecond)
}

// globalSpread is a random extra wait for a shard whose channel-wide budget
// is spent: up to one token interval per shard, so the shards that wait for
// the same budget come back one at a time instead of all at the next token.
func (s *ReplySender) globalSpread(channel string) time.Duration {
	lim := s.cfg.Limits[channel]
	if lim.GlobalPerSecond <= 0 {
		return 0
	}
	spread := time.Duration(float64(time.Second) / lim.GlobalPerSecond * float64(s.keys.Shards))
	return mrand.N(spread + 1)
}
