package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/aduan-id/aduan/api/console"
	"github.com/aduan-id/aduan/bot"
)

// runServe runs everything: the channels (Telegram, WhatsApp), the dispatcher,
// the reply sender and action worker, the complaint API with its forwarder,
// the webhooks, the admin console, health and metrics.
func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c, err := loadConfig(&cmdServe, fs, args)
	if err != nil {
		return err
	}
	log := newLogger(c.LogFormat, c.LogLevel)
	// The ports first: a busy one is a clear error before Redis, the
	// database or Telegram hear from this process (no setWebhook by a
	// process that then exits).
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (ADUAN_LISTEN or --listen): %w", c.Listen, err)
	}
	defer ln.Close()
	dbg, err := listenDebug(c.DebugListen, log)
	if err != nil {
		return err
	}
	defer dbg.shutdown(context.Background())
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	al, err := a.newAlerts() // wraps the dead-letter sink: before runWorkers
	if err != nil {
		return err
	}
	if c.RedisURL == "" {
		if err := a.addDemoSupervisor(ctx, c.Listen, os.Stderr); err != nil {
			return err
		}
	}

	consoleCfg := c.Console
	consoleCfg.Prefix = c.RedisPrefix
	consoleCfg.MediaStore = a.media
	obs := newHTTPObserver(log)
	e, err := newHTTPServer(consoleCfg.TrustedProxies, obs)
	if err != nil {
		return err
	}
	e.Listener = ln
	a.registerComplaintAPI(e)
	if err := a.startTelegram(ctx, e); err != nil {
		return err
	}
	if err := a.startWhatsApp(ctx); err != nil {
		return err
	}
	if a.cfg.WhatsAppOn {
		consoleCfg.WhatsApp = a.whatsAppLink()
	}
	con := console.New(consoleCfg, a.rdb, a.service, a.set.Catalog(), log)
	con.Register(e)
	al.start(a, con)
	h := newHealth(a)
	// aduan_http_request_duration_seconds
	h.reg.MustRegister(obs.duration)
	h.register(e)
	h.reg.MustRegister(al.metrics) // aduan_alerts_total, aduan_alert_messages_total

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wait := a.runWorkers(ctx)
	serveErr := make(chan error, 1)
	go func() { serveErr <- e.Start(c.Listen) }() // on ln, bound above
	go dbg.serve(log)
	log.Info("aduan serving", "listen", ln.Addr().String(), "telegram", a.senders[bot.ChannelTelegram] != nil,
		"whatsapp", a.senders[bot.ChannelWhatsApp] != nil, "shards", c.Shards, "version", readBuildInfo().Version)
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			cancel()
			wait()
			return fmt.Errorf("http server: %w", err)
		}
	}
	// Stop taking webhooks first, then stop the workers: what they hold stays
	// pending in Redis and is picked up at the next start.
	shCtx, shCancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer shCancel()
	_ = e.Shutdown(shCtx)
	dbg.shutdown(shCtx)
	cancel()
	wait()
	log.Info("aduan stopped")
	return nil
}

// newHTTPServer is the one echo server: webhooks, Open311, console, health.
// obs logs and measures every request (the outermost middleware, so a
// recovered panic is logged as the 500 it became).
func newHTTPServer(trustedProxies []string, obs *httpObserver) (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.ReadTimeout = 60 * time.Second
	e.Server.WriteTimeout = 60 * time.Second
	e.Server.IdleTimeout = 120 * time.Second
	extractor, err := console.IPExtractor(trustedProxies)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	// Client addresses come from trusted proxies only, or rate limits could be
	// dodged with a forged X-Forwarded-For.
	e.IPExtractor = extractor
	e.Use(obs.middleware, middleware.Recover())
	return e, nil
}
