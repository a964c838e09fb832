package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/whatsapp"
	"github.com/aduan-id/aduan/flows"
)

// app is the wired core shared by `aduan serve` and `aduan chat`: the
// dispatcher, the complaint service acting on the engine's actions, the
// reply sender and the action worker.
type app struct {
	cfg        config
	log        *slog.Logger
	rdb        redis.UniversalClient
	keys       bot.Keys
	set        *flows.Set
	media      bot.MediaStore
	dispatcher *bot.Dispatcher
	notifier   *bot.QueueNotifier
	service    *api.Service
	senders    map[string]bot.Sender
	sender     *bot.ReplySender
	background []func(ctx context.Context) error // extra loops (forwarder, adapters)

	telegram *telegram.Adapter // nil unless configured
	whatsapp *whatsapp.Adapter // nil unless enabled
}

func newApp(ctx context.Context, c config, set *flows.Set, rdb redis.UniversalClient, media bot.MediaStore, log *slog.Logger, opts ...api.Option) (*app, error) {
	keys := bot.NewKeys(c.RedisPrefix, c.Shards)
	if err := bot.EnsureGroups(ctx, rdb, keys); err != nil {
		return nil, err
	}
	engine := flows.NewEngine(set, flows.Config{DraftTTL: c.DraftTTL})
	a := &app{cfg: c, log: log, rdb: rdb, keys: keys, set: set, media: media,
		senders: map[string]bot.Sender{}}
	a.dispatcher = bot.NewDispatcher(rdb, keys, engine, bot.WithLogger(log))
	a.notifier = bot.NewNotifier(rdb, keys)
	opts = append(opts, api.WithTrackingKeys(keys))
	a.service = api.NewService(rdb, c.RedisPrefix, set.Catalog(), a.notifier, a.dispatcher, set, log, opts...)
	return a, nil
}

// runWorkers starts the reply sender, the action worker and the background
// loops; the returned func waits for them after ctx is cancelled.
func (a *app) runWorkers(ctx context.Context) (wait func()) {
	var senderCfg bot.SenderConfig
	var actionCfg bot.ActionConfig
	if a.cfg.RedisURL == "" {
		// The in-memory Redis wakes blocked stream readers only at their
		// timeout when entries are added by a Lua script; poll it briskly.
		senderCfg.Block, actionCfg.Block = 50*time.Millisecond, 50*time.Millisecond
	}
	if wa := a.whatsapp; wa != nil {
		// Only the replica holding the WhatsApp connection can send there, so
		// the one sender per shard runs on that replica.
		senderCfg.MaySend = func() bool { return wa.Health().State != whatsapp.StateStandby }
	}
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
