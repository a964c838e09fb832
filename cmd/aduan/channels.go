package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api/console"
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
// number must have been linked with `aduan whatsapp link` (or from the
// console). Opening its device store (a PostgreSQL one may not answer at
// start) is retried with backoff in the background, like Telegram's setup;
// meanwhile /readyz shows it failing and its replies wait in Redis. A number
// logged out or banned later is the adapter's Health (an operator links it
// again); the rest of the service serves throughout.
func (a *app) startWhatsApp(ctx context.Context) error {
	if !a.cfg.WhatsAppOn {
		return nil
	}
	cfg := whatsappConfig(a.cfg)
	log := a.log // the adapter adds channel=whatsapp itself
	st := a.addSetup(bot.ChannelWhatsApp)
	a.senders[bot.ChannelWhatsApp] = waSender{a}
	a.background = append(a.background, func(ctx context.Context) error {
		var wa *whatsapp.Adapter
		ok := setupWithRetry(ctx, st, log.With("channel", bot.ChannelWhatsApp), func(ctx context.Context) error {
			container, err := whatsapp.OpenStore(ctx, cfg, log)
			if err != nil {
				return fmt.Errorf("%w (check ADUAN_WHATSAPP_STORE_DSN)", err)
			}
			client, err := whatsapp.NewClient(ctx, container, log)
			if err != nil {
				_ = container.Close()
				return fmt.Errorf("whatsapp client: %w", err)
			}
			wa = whatsapp.New(cfg, client, a.dispatcher, a.media, a.set, log)
			return nil
		})
		if !ok {
			return nil
		}
		a.whatsapp.Store(wa)
		return wa.Run(ctx, a.rdb, a.keys)
	})
	return nil
}

// waSender sends through the WhatsApp adapter once it exists. The reply
// sender asks maySend first, which is false until then.
type waSender struct{ a *app }

func (s waSender) Send(ctx context.Context, msg bot.Outbound) error {
	wa := s.a.whatsapp.Load()
	if wa == nil {
		return &bot.SendError{Err: errors.New("whatsapp: the device store is not open yet"), RetryAfter: 10 * time.Second}
	}
	return wa.Send(ctx, msg)
}

// whatsAppLink is the console's view of the WhatsApp channel: the adapter's,
// or, until its store is open, the setup's state.
func (a *app) whatsAppLink() *console.WhatsAppLink {
	return &console.WhatsAppLink{
		Status: func() console.WhatsAppStatus {
			wa := a.whatsapp.Load()
			if wa == nil {
				state, detail, since := a.setups[bot.ChannelWhatsApp].status()
				return console.WhatsAppStatus{State: state, Detail: detail, Since: since}
			}
			h := wa.Health()
			return console.WhatsAppStatus{State: h.State, Detail: h.Detail, Since: h.Since, NeedsOperator: h.NeedsOperator()}
		},
		RequestPairing: func() {
			if wa := a.whatsapp.Load(); wa != nil {
				wa.RequestPairing()
			}
		},
		PairingQR: func() (string, bool) {
			if wa := a.whatsapp.Load(); wa != nil {
				return wa.PairingQR()
			}
			return "", false
		},
	}
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
