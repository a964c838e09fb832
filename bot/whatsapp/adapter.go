package whatsapp

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
)

// Adapter connects one WhatsApp number to the bot: it hands incoming messages
// to the dispatcher (a bot.Handler) and sends replies (it is a bot.Sender).
type Adapter struct {
	cfg     Config
	client  Client
	handler bot.Handler
	media   bot.MediaStore
	texts   Texts
	log     *slog.Logger
	lids    LIDResolver
	now     func() time.Time
	// banMargin is waited after a temporary ban's expiry before connecting.
	banMargin time.Duration

	wake     chan struct{} // a state change for Run
	counters counters

	mu       sync.Mutex
	health   Health
	holding  bool      // Run holds the lease (a late Connected is ignored otherwise)
	terminal bool      // a state that needs an operator: no reconnecting
	retryAt  time.Time // when a temporary ban ends (zero: unknown)
	rdb      redis.UniversalClient
	keys     bot.Keys
	ctx      context.Context // Run's context, for handlers
	qr       string          // current pairing QR code (console)
	qrWanted time.Time       // the console asked for a QR code until then
}

// New returns an adapter for client (a *whatsmeow.Client from NewClient, or a
// fake). It registers its event handler on the client and sets the client's
// delivery options (synchronous acks, decrypted-event buffer, no automatic
// reconnect: Run reconnects). Nothing happens before Run.
func New(cfg Config, client Client, handler bot.Handler, media bot.MediaStore, texts Texts, log *slog.Logger) *Adapter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		cfg:     cfg.withDefaults(),
		client:  client,
		handler: handler,
		media:   media,
		texts:   texts,
		log:     log.With("channel", bot.ChannelWhatsApp),
		lids:    lidResolver(client),
		now:     time.Now,
		wake:    make(chan struct{}, 1),

		banMargin: time.Minute,
	}
	a.health = Health{State: StateStandby, Detail: "not started", Since: a.now()}
	configure(client, a.isTerminal)
	client.AddEventHandlerWithSuccessStatus(a.HandleEvent)
	return a
}

// attach gives the adapter its Redis (Run does it).
func (a *Adapter) attach(ctx context.Context, rdb redis.UniversalClient, keys bot.Keys) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rdb, a.keys, a.ctx = rdb, keys, ctx
}

func (a *Adapter) redis() (redis.UniversalClient, bot.Keys) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rdb, a.keys
}

func (a *Adapter) baseCtx() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx != nil {
		return a.ctx
	}
	return context.Background()
}

func (a *Adapter) setHolding(h bool) {
	a.mu.Lock()
	a.holding = h
	a.mu.Unlock()
}

func (a *Adapter) isHolding() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.holding
}

func (a *Adapter) isTerminal() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.terminal
}

// knownKey marks a chat that wrote to us: only those are ever sent to. The
// dispatcher renews it in the same commit as each message (no extra round
// trip on the way in).
func knownKey(keys bot.Keys, chat string) string { return keys.Contact(bot.ChannelWhatsApp, chat) }

// leaseKey holds the connection lease of the number.
func leaseKey(keys bot.Keys) string { return keys.Prefix + ":wa:lease" }
