package bot

import (
	"context"
	"strings"
	"time"

	"github.com/aduan-id/aduan/bot/queue"
)

// One channel of one shard is sent by one process at a time. A consumer
// group alone would hand one chat's entries to different processes, which
// would then send them in any order; and a lease per shard alone would let a
// process that cannot send a channel (`aduan chat` has only the terminal,
// `aduan serve` no terminal) hold that channel's replies. So the lease is per
// channel and shard (keys.SendLease): a process competes only for the
// channels it has a Sender for (and MaySend allows), and a chat belongs to
// one channel, so per-chat order needs nothing more.
//
// Balance: the processes that can send a channel announce themselves in
// keys.Senders(channel) and each holds at most ceil(shards/live) of its
// shards (queue.LeaseGroup). The lease lives LeaseTTL (5 s), renewed every
// second; a holder stops sending once it has not renewed for LeaseTTL/2, and
// a send is bounded by SendTimeout (< LeaseTTL/2), so two holders never send
// at once. A clean stop releases at once; a crashed process's shards are
// taken over within about LeaseTTL.

// channelConsumer is the consumer, shared by whichever process holds the
// channel's lease in a shard, whose pending entries are that channel's
// replies of the shard. A new holder re-reads them from the start: the
// takeover needs no claim.
func channelConsumer(channel string) string { return channelConsumerPrefix + channel }

const channelConsumerPrefix = "send:"

// isChannelConsumer reports a channel's consumer (never pruned: entries are
// moved to it).
func isChannelConsumer(name string) bool { return strings.HasPrefix(name, channelConsumerPrefix) }

func (s *ReplySender) newLeaseGroup(channel string) *queue.LeaseGroup {
	keys := make([]string, s.keys.Shards)
	for shard := range keys {
		keys[shard] = s.keys.SendLease(channel, shard)
	}
	var may func() bool
	if s.cfg.MaySend != nil {
		may = func() bool { return s.cfg.MaySend(channel) }
	}
	log := s.log.With("channel", channel)
	return queue.NewLeaseGroup(s.rdb, queue.LeaseGroupConfig{
		Keys: keys, Members: s.keys.Senders(channel), Owner: s.cfg.Consumer, TTL: s.cfg.LeaseTTL, May: may,
		OnError: func(err error) { log.Warn("send leases", "err", err) },
	})
}

// syncLeases follows this shard's leases: it takes over a channel whose lease
// was just acquired, forgets one whose lease was lost, and hands over one
// beyond this process's share (between two sends: nothing is in flight here).
func (w *shardSender) syncLeases(ctx context.Context) {
	for _, ch := range w.s.channels {
		g := w.s.leases[ch]
		_, owned := w.owned[ch]
		switch {
		case owned && !g.Valid(w.shard):
			w.log.Info("send lease lost; leaving the channel's entries to the next holder", "channel", ch)
			w.forget(ch)
		case owned && g.Yielding(w.shard):
			w.forget(ch)
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			if err := g.Release(rctx, w.shard); err != nil {
				w.log.Warn("release send lease", "channel", ch, "err", err)
			}
			cancel()
			w.log.Info("send lease handed over", "channel", ch)
		case !owned && g.Valid(w.shard) && !g.Yielding(w.shard):
			if err := w.takeover(ctx, ch); err != nil && ctx.Err() == nil {
				w.log.Warn("take the channel over", "channel", ch, "err", err)
			}
		}
	}
}

// takeover starts sending a channel of the shard: entries left at consumers
// that are no channel's (an older version's, a killed process's) are moved
// to their channels first, then the channel's own pending entries are read
// from the start, in id order: a crashed holder's unsent replies go first
// and in order.
func (w *shardSender) takeover(ctx context.Context, ch string) error {
	if err := queue.EnsureGroup(ctx, w.s.rdb, w.stream, GroupSenders); err != nil {
		return err
	}
	w.owned[ch] = queue.NewReader(w.s.rdb, w.stream, GroupSenders, channelConsumer(ch))
	moved, err := w.adopt(ctx, 0)
	if err != nil {
		delete(w.owned, ch)
		return err
	}
	w.recovering[ch] = true
	now := time.Now()
	w.nextJanitor, w.nextTrim = now.Add(w.s.cfg.JanitorEvery), now.Add(w.s.cfg.TrimEvery)
	w.log.Info("shard taken over", "channel", ch, "moved_from_old_consumers", moved)
	return nil
}

// forget drops a channel's in-memory state; its entries stay pending in
// Redis at the channel's consumer, for the next holder.
func (w *shardSender) forget(ch string) {
	for id, e := range w.held {
		if e.msg.Channel == ch {
			delete(w.held, id)
		}
	}
	for key, q := range w.chats {
		if q.channel == ch {
			delete(w.chats, key)
		}
	}
	delete(w.owned, ch)
	delete(w.recovering, ch)
	delete(w.channelNotBefore, ch)
}

// ownsValid reports whether this process may send ch in this shard now.
func (w *shardSender) ownsValid(ch string) bool {
	_, owned := w.owned[ch]
	return owned && w.s.leases[ch].Valid(w.shard)
}
