package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/queue"
)

// Queue is the messaging core's outbound stream as the batcher needs it:
// *bot.QueueNotifier. A message is queued at most once per id, and the reply
// sender delivers it with the channel's limits and retries.
type Queue interface {
	NotifyOnce(ctx context.Context, id string, msg bot.Outbound) error
}

// Source is polled before each batch, under the batcher's lease (Watcher).
type Source interface {
	Poll(ctx context.Context) error
}

// Defaults of BatcherConfig.
const (
	DefaultInterval = time.Minute
	defaultMaxBatch = 10_000
	defaultTries    = 5
	leaseTTL        = 30 * time.Second
)

// BatcherConfig configures a Batcher. Directory is required.
type BatcherConfig struct {
	Prefix    string        // Redis key prefix ("aduan")
	Interval  time.Duration // one message per recipient at most this often (1m)
	Directory Directory
	// Telegram queues messages to linked chats; nil: no Telegram alerts.
	Telegram Queue
	// Mail sends email alerts; nil: none.
	Mail Mailer
	// ConsoleURL ends every message ("https://aduan.example.go.id/console/").
	ConsoleURL string
	MaxLines   int // alerts listed per message (DefaultMaxLines)
	// Tries is how many batches in a row a failing message is tried before
	// it is given up (logged at ERROR and counted): 5.
	Tries   int
	Sources []Source
	Owner   string // lease owner, unique per process (random)
	Metrics *Metrics
	Log     *slog.Logger
}

// Batcher sends the queued alerts: one message per recipient and channel per
// interval. Every replica may run one; a lease lets one act at a time.
type Batcher struct {
	rdb redis.UniversalClient
	k   keys
	cfg BatcherConfig
	log *slog.Logger
	// lease is set while Run runs; Flush checks it before each send.
	lease *queue.Lease
}

// NewBatcher returns a batcher.
func NewBatcher(rdb redis.UniversalClient, cfg BatcherConfig) *Batcher {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.MaxLines <= 0 {
		cfg.MaxLines = DefaultMaxLines
	}
	if cfg.Tries <= 0 {
		cfg.Tries = defaultTries
	}
	if cfg.Owner == "" {
		cfg.Owner = randomHex(8)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Batcher{rdb: rdb, k: newKeys(cfg.Prefix), cfg: cfg, log: log.With("component", "alerts")}
}

// errLeaseLost stops a batch half-way: another replica takes over, and the
// done-marks keep it from repeating what was sent.
var errLeaseLost = errors.New("alerts: lease lost")

// Run polls the sources and flushes every interval while this process holds
// the lease, until ctx ends.
func (b *Batcher) Run(ctx context.Context) error {
	b.lease = queue.NewLease(b.rdb, b.k.lease(), b.cfg.Owner, leaseTTL)
	kctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.lease.Keep(kctx, func(err error) { b.log.Warn("alerts lease", "err", err) })
	}()
	defer func() { stop(); <-done }()
	t := time.NewTicker(b.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if !b.lease.Valid() {
			continue
		}
		b.tick(ctx)
	}
}

// tick polls, then flushes; failures are logged and tried again next tick.
func (b *Batcher) tick(ctx context.Context) {
	for _, s := range b.cfg.Sources {
		if err := s.Poll(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("alerts: poll failed, will retry", "err", err)
		}
	}
	if _, err := b.Flush(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, errLeaseLost) {
		b.log.Warn("alerts: batch not finished, will retry", "err", err)
	}
}

// seal picks the batch: the one sealed before (a crash or a failure left it)
// or everything queued after the cursor, at most maxBatch. It returns the
// cursor (exclusive start), the batch's last id ("" when nothing is queued)
// and how often the batch was tried. KEYS: cursor, batch, stream. ARGV: max.
var seal = redis.NewScript(`
local from = redis.call('GET', KEYS[1]) or '0-0'
local to = redis.call('HGET', KEYS[2], 'to')
if to then
  return {from, to, redis.call('HGET', KEYS[2], 'tries') or '0'}
end
local xs = redis.call('XRANGE', KEYS[3], '(' .. from, '+', 'COUNT', ARGV[1])
if #xs == 0 then return {from, '', '0'} end
to = xs[#xs][1]
redis.call('HSET', KEYS[2], 'to', to, 'tries', 0)
return {from, to, '0'}`)

// Flush sends what is queued: one message per recipient and channel. A
// message sent is marked (per batch), so a retry of the batch — after a
// failure, a crash, or on another replica — sends only what is missing. It
// returns how many messages it sent.
func (b *Batcher) Flush(ctx context.Context) (int, error) {
	res, err := seal.Run(ctx, b.rdb, []string{b.k.cursor(), b.k.batch(), b.k.stream()}, defaultMaxBatch).StringSlice()
	if err != nil {
		return 0, fmt.Errorf("alerts: seal batch: %w", err)
	}
	from, to := res[0], res[1]
	if to == "" {
		return 0, nil
	}
	tries, _ := strconv.Atoi(res[2])
	xs, err := b.rdb.XRange(ctx, b.k.stream(), "("+from, to).Result()
	if err != nil {
		return 0, fmt.Errorf("alerts: read batch: %w", err)
	}
	as := make([]Alert, 0, len(xs))
	for _, x := range xs {
		as = append(as, decode(x))
	}
	rs, err := b.cfg.Directory.Recipients(ctx)
	if err != nil {
		return 0, fmt.Errorf("alerts: recipients: %w", err)
	}
	sent, failed, err := b.sendAll(ctx, to, as, rs)
	if err != nil {
		return sent, err
	}
	if len(failed) > 0 {
		if tries+1 < b.cfg.Tries {
			if err := b.rdb.HIncrBy(ctx, b.k.batch(), "tries", 1).Err(); err != nil {
				return sent, fmt.Errorf("alerts: count try: %w", err)
			}
			return sent, fmt.Errorf("alerts: %d messages failed (try %d of %d): %w", len(failed), tries+1, b.cfg.Tries, errors.Join(failed...))
		}
		for _, f := range failed {
			var se *sendError
			if errors.As(f, &se) {
				b.cfg.Metrics.failed(se.channel)
			}
			b.log.Error("alerts: message given up", "err", f, "tries", b.cfg.Tries)
		}
	}
	return sent, b.advance(ctx, to)
}

// sendError is one recipient's message that could not be sent.
type sendError struct {
	channel, who string // who: a hash of the address
	err          error
}

func (e *sendError) Error() string {
	return e.channel + " alert to " + e.who + ": " + e.err.Error()
}

func (e *sendError) Unwrap() error { return e.err }

// sendAll sends each recipient's message on each of their channels, skipping
// those sent by an earlier try of this batch. A failed message is returned in
// failed; err is for what stops the batch (Redis, the lease).
func (b *Batcher) sendAll(ctx context.Context, batch string, as []Alert, rs []Recipient) (sent int, failed []error, err error) {
	for _, r := range rs {
		var mine []Alert
		for _, a := range as {
			if r.Wants(a) {
				mine = append(mine, a)
			}
		}
		if len(mine) == 0 {
			continue
		}
		subject, body := compose(mine, b.cfg.MaxLines, b.cfg.ConsoleURL)
		for _, ch := range b.channels(r) {
			ok, err := b.sendOnce(ctx, batch, ch, r, subject, body)
			switch {
			case errors.Is(err, errLeaseLost) || ctx.Err() != nil:
				return sent, failed, errors.Join(err, ctx.Err())
			case err != nil:
				failed = append(failed, &sendError{channel: ch, who: hashOf(r.Email), err: err})
			case ok:
				sent++
			}
		}
	}
	return sent, failed, nil
}

// channels are the ways r is reached, among those configured.
func (b *Batcher) channels(r Recipient) []string {
	var out []string
	if r.TelegramChat != "" && b.cfg.Telegram != nil {
		out = append(out, ChannelTelegram)
	}
	if r.ByEmail && r.Email != "" && b.cfg.Mail != nil {
		out = append(out, ChannelEmail)
	}
	return out
}

// doneTTL keeps a batch's done-marks well past any retry of the batch.
const doneTTL = 24 * time.Hour

// sendOnce sends one message unless this batch sent it already; ok is true
// when it sent it now.
func (b *Batcher) sendOnce(ctx context.Context, batch, ch string, r Recipient, subject, body string) (ok bool, err error) {
	mark := b.k.done(batch, ch, r.Email)
	n, err := b.rdb.Exists(ctx, mark).Result()
	if err != nil {
		return false, fmt.Errorf("alerts: done mark: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if b.lease != nil && !b.lease.Valid() {
		return false, errLeaseLost
	}
	switch ch {
	case ChannelTelegram:
		msg := bot.Outbound{Channel: bot.ChannelTelegram, ChatID: r.TelegramChat, Lang: "id", Text: body, Notice: true}
		err = b.cfg.Telegram.NotifyOnce(ctx, "alerts:"+batch+":"+hashOf(r.Email), msg)
	case ChannelEmail:
		err = b.cfg.Mail.Mail(ctx, r.Email, subject, body)
	}
	if err != nil {
		return false, err
	}
	b.cfg.Metrics.sent(ch)
	if err := b.rdb.Set(ctx, mark, "1", doneTTL).Err(); err != nil {
		return true, fmt.Errorf("alerts: mark sent: %w", err)
	}
	return true, nil
}

// advance moves the cursor past the batch and drops its entries, in one
// transaction.
func (b *Batcher) advance(ctx context.Context, to string) error {
	pipe := b.rdb.TxPipeline()
	pipe.Set(ctx, b.k.cursor(), to, 0)
	pipe.Del(ctx, b.k.batch())
	pipe.XTrimMinID(ctx, b.k.stream(), nextID(to))
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("alerts: advance: %w", err)
	}
	return nil
}

// nextID is the smallest stream id after id ("ms-seq").
func nextID(id string) string {
	ms, seq, _ := strings.Cut(id, "-")
	n, _ := strconv.ParseUint(seq, 10, 64)
	return ms + "-" + strconv.FormatUint(n+1, 10)
}
