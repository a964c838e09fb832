package main

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/queue"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/whatsapp"
	"github.com/aduan-id/aduan/flows"
)

// app is the wired core shared by `aduan serve` and `aduan chat`: the
// dispatcher, the complaint service acting on the engine's actions, the
// reply sender and the action worker.
type app struct {
	cfg        config
	apiCfg     api.Config
	log        *slog.Logger
	rdb        redis.UniversalClient
	closeRedis func()
	store      *sqlstore.Store
	keys       bot.Keys
	set        *flows.Set
	media      bot.MediaStore
	dispatcher *bot.Dispatcher
	notifier   *bot.QueueNotifier
	service    *api.Service
	senders    map[string]bot.Sender
	sender     *bot.ReplySender
	background []func(ctx context.Context) error // extra loops (forwarder, adapters)

	limits   map[string]bot.Limit // reply sender budgets (limits.go)
	telegram *telegram.Adapter    // nil unless configured
	// setups are the channels' setup states (chanhealth.go), by channel;
	// filled before the workers start, read-only afterwards.
	setups map[string]*channelState

	// whatsapp is the WhatsApp adapter once its device store is open (its
	// setup is retried in the background, channels.go): nil until then,
	// and unless ADUAN_WHATSAPP is on.
	whatsapp atomic.Pointer[whatsapp.Adapter]

	// deadLetters receives what the reply sender and the action worker give
	// up on; nil until the report database's sink is wired, and runWorkers
	// then uses the Redis fallback (queue.StreamSink on keys.DeadLetters()).
	deadLetters queue.DeadLetterSink
	queues      *queue.Metrics // the queues' Prometheus measures (queueMetrics)
}

// openApp loads the flows, connects to Redis (or starts the in-memory one)
// and wires the core with the complaint side's loops. Close it when done.
func openApp(ctx context.Context, c config, log *slog.Logger) (*app, error) {
	set, err := flows.Load(c.FlowsDir)
	if err != nil {
		return nil, err
	}
	media, err := bot.NewDirMediaStore(c.MediaDir, c.MediaMax)
	if err != nil {
		return nil, err
	}
	store, err := openStore(ctx, c, set.Catalog(), log)
	if err != nil {
		return nil, err
	}
	rdb, closeRedis, err := openRedis(ctx, c.RedisURL, log, os.Stderr)
	if err != nil {
		store.Close()
		return nil, err
	}
	keys := bot.NewKeys(c.RedisPrefix, c.Shards)
	if err := bot.EnsureGroups(ctx, rdb, keys); err != nil {
		closeRedis()
		store.Close()
		return nil, err
	}
	a := &app{cfg: c, apiCfg: c.API, log: log, rdb: rdb, closeRedis: closeRedis, store: store, keys: keys,
		set: set, media: media, senders: map[string]bot.Sender{}, limits: c.Limits}
	engine := flows.NewEngine(set, flows.Config{DraftTTL: c.DraftTTL})
	a.dispatcher = bot.NewDispatcher(rdb, keys, engine, bot.WithLogger(log))
	a.notifier = bot.NewNotifier(rdb, keys)
	citizens := struct {
		*bot.QueueNotifier
		*bot.Dispatcher
	}{a.notifier, a.dispatcher}
	a.service = api.NewService(store, rdb, c.RedisPrefix, set.Catalog(), citizens, set, log,
		api.WithTrackingKeys(keys), api.WithOutboundWebhooks(a.apiCfg.OutboundWebhookURLs...))
	// Every queue's dead letters go to the report database, where the
	// console's "Gagal terkirim" page lists them; the forward and webhook
	// queues report to the same metrics as the reply and action queues.
	a.deadLetters = a.service.DeadLetterSink()
	a.apiCfg.Metrics = a.queueMetrics()
	a.apiCfg.MediaStore = media // signed media_url for the forward and public photos
	a.addComplaintLoops()
	return a, nil
}

// close releases Redis (stopping the in-memory one) and the database.
func (a *app) close() {
	a.closeRedis()
	if err := a.store.Close(); err != nil {
		a.log.Warn("close report database", "err", err)
	}
}

// runWorkers starts the reply sender, the action worker and the background
// loops; the returned func waits for them after ctx is cancelled.
func (a *app) runWorkers(ctx context.Context) (wait func()) {
	dead := a.deadLetters // the report database (openApp)
	senderCfg := bot.SenderConfig{Limits: a.limits, DeadLetters: dead, Metrics: a.queueMetrics(),
		OnDelivery: a.service.OnDelivery}
	actionCfg := bot.ActionConfig{DeadLetters: dead, Metrics: a.queueMetrics()}
	if a.cfg.RedisURL == "" {
		// The in-memory Redis wakes blocked stream readers only at their
		// timeout when entries are added by a Lua script; poll it briskly.
		senderCfg.Block, actionCfg.Block = 50*time.Millisecond, 50*time.Millisecond
	}
	senderCfg.MaySend = a.maySend
	// a.senders holds only the channels this process can send (`aduan chat`:
	// the terminal; `aduan serve`: Telegram, WhatsApp): the sender takes the
	// leases of those alone and leaves the others' replies to their process.
	a.sender = bot.NewReplySender(a.rdb, a.keys, a.senders, senderCfg, a.log)
	worker := bot.NewActionWorker(a.rdb, a.keys, a.service, actionCfg, a.log)
	loops := append([]func(context.Context) error{a.sender.Run, worker.Run}, a.background...)
	var wg sync.WaitGroup
	for _, loop := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := loop(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("background loop stopped", "err", err)
			}
		}()
	}
	return wg.Wait
}

// maySend reports whether this process may send a channel's replies now: a
// channel whose setup has not succeeded keeps its replies waiting in Redis,
// and only the replica holding the WhatsApp connection can send there (it
// alone competes for WhatsApp's shards; Telegram's are spread over every
// replica).
func (a *app) maySend(channel string) bool {
	if st := a.setups[channel]; st != nil && !st.up() {
		return false
	}
	if wa := a.whatsapp.Load(); wa != nil && channel == bot.ChannelWhatsApp {
		return wa.Health().State != whatsapp.StateStandby
	}
	return true
}

// queueMetrics is the queues' Prometheus collector, created on first use
// (health registers it, runWorkers feeds it).
func (a *app) queueMetrics() *queue.Metrics {
	if a.queues == nil {
		a.queues = queue.NewMetrics()
	}
	return a.queues
}
