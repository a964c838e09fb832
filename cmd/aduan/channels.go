package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/whatsapp"
)

// telegramWebhookPath is where Telegram posts updates in webhook mode.
const telegramWebhookPath = "/webhooks/telegram"

// startTelegram runs the Telegram channel when ADUAN_TELEGRAM_TOKEN is set:
// a webhook with ADUAN_PUBLIC_URL, long polling without. Its setup (getMe,
// setWebhook or deleteWebhook, the command menu) runs in the background and
// is retried with backoff until it succeeds: a refused setWebhook leaves the
// console, Open311 and WhatsApp serving, and /readyz says what is wrong.
// Replies wait in Redis until it succeeds.
func (a *app) startTelegram(ctx context.Context, e *echo.Echo) error {
	token := a.cfg.Telegram.Token
	if token == "" {
		return nil
	}
	cfg := telegram.Config{
		Token:         token,
		APIURL:        a.cfg.Telegram.APIURL,
		PublicURL:     a.cfg.Telegram.PublicURL,
		WebhookSecret: a.cfg.Telegram.WebhookSecret,
		MaxPhotoBytes: a.cfg.MediaMax,
	}
	log := a.log.With("channel", bot.ChannelTelegram)
	tg, err := telegram.New(ctx, cfg, a.dispatcher, a.media, a.set, log)
	if err != nil {
		return fmt.Errorf("telegram: %w", err) // a configuration error: nothing to retry
	}
	// The route first: Setup tells Telegram where it is.
	if !tg.Polling() {
		tg.Register(e, telegramWebhookPath)
	}
	st := a.addSetup(bot.ChannelTelegram)
	a.senders[bot.ChannelTelegram] = tg
	a.telegram = tg
	a.background = append(a.background, func(ctx context.Context) error {
		ok := setupWithRetry(ctx, st, log, func(ctx context.Context) error {
			setupCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := tg.Setup(setupCtx); err != nil {
				return fmt.Errorf("telegram setup (check ADUAN_TELEGRAM_TOKEN and ADUAN_PUBLIC_URL): %w", err)
			}
			return nil
		})
		if ok && tg.Polling() {
			return tg.RunPolling(ctx)
		}
		return nil
	})
	return nil
}

// addSetup records a channel whose setup runs in the background.
func (a *app) addSetup(channel string) *channelState {
	if a.setups == nil {
		a.setups = map[string]*channelState{}
	}
	st := newChannelState()
	a.setups[channel] = st
	return st
}

// startWhatsApp runs the WhatsApp channel when ADUAN_WHATSAPP is set. The
// number must have been linked with `aduan whatsapp link`.
func (a *app) startWhatsApp(ctx context.Context) error {
	if !a.cfg.WhatsAppOn {
		return nil
	}
	cfg := whatsappConfig(a.cfg)
	log := a.log // the adapter adds channel=whatsapp itself
	container, err := whatsapp.OpenStore(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("whatsapp store: %w", err)
	}
	client, err := whatsapp.NewClient(ctx, container, log)
	if err != nil {
		return fmt.Errorf("whatsapp client: %w", err)
	}
	wa := whatsapp.New(cfg, client, a.dispatcher, a.media, a.set, log)
	a.senders[bot.ChannelWhatsApp] = wa
	a.whatsapp = wa
	a.background = append(a.background, func(ctx context.Context) error { return wa.Run(ctx, a.rdb, a.keys) })
	return nil
}

func whatsappConfig(c config) whatsapp.Config {
	cfg := whatsapp.Config{
		StoreDialect:  c.WhatsApp.StoreDialect,
		StoreDSN:      c.WhatsApp.StoreDSN,
		MaxPhotoBytes: c.MediaMax,
	}
	if cfg.StoreDSN == "" && (cfg.StoreDialect == "" || cfg.StoreDialect == "sqlite") {
		// The SQLite device store lives with the rest of the local data.
		cfg.StoreDSN = "file:" + filepath.Join(c.DataDir, "whatsapp.db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"
	}
	return cfg
}
