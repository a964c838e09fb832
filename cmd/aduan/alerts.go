package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/api/console"
)

// serveAlerts is `aduan serve`'s alerts: the dead-letter sink wrapper, the
// console's Telegram linking, and the batcher (with the report watcher) as a
// background loop. Its metrics go on /metrics.
type serveAlerts struct {
	metrics  *alerts.Metrics
	notifier *alerts.Notifier
	dir      accountDirectory
	mail     alerts.Mailer // nil without ADUAN_SMTP_URL
}

// newAlerts wraps the queues' dead-letter sink so that a new dead letter
// raises an alert. Call it before runWorkers.
func (a *app) newAlerts() (*serveAlerts, error) {
	s := &serveAlerts{metrics: alerts.NewMetrics(), dir: accountDirectory{console.NewAccounts(a.rdb, a.cfg.RedisPrefix)}}
	s.notifier = alerts.NewNotifier(a.rdb, a.cfg.RedisPrefix, s.metrics)
	if u := a.cfg.Alerts.SMTPURL; u != "" {
		m, err := alerts.ParseSMTPURL(u)
		if err != nil {
			return nil, fmt.Errorf("ADUAN_SMTP_URL: %w", err) // validated by readConfig; not reached
		}
		s.mail = m
	}
	a.deadLetters = alerts.WrapSink(a.deadLetters, alerts.SinkConfig{Notifier: s.notifier, Directory: s.dir,
		AgencyOf: a.agencyOf, Log: a.log})
	return s, nil
}

// start links the console's alerts page with the Telegram adapter (when
// Telegram is on) and adds the batcher loop. Call it before the HTTP server
// and runWorkers start.
func (s *serveAlerts) start(a *app, con *console.Console) {
	cfg := console.AlertsConfig{Queue: a.notifier, Email: s.mail != nil}
	var tg alerts.Queue
	if a.telegram != nil {
		cfg.BotUsername = a.telegram.BotUsername
		tg = a.notifier
	}
	linker := con.EnableAlerts(cfg)
	if a.telegram != nil {
		a.telegram.SetAdminLinker(linker)
	}
	watcher := alerts.NewWatcher(a.rdb, alerts.WatcherConfig{Prefix: a.cfg.RedisPrefix, Reports: a.service,
		Notifier: s.notifier, Directory: s.dir, AgencyOf: a.agencyOf, VerifyCutoff: con.VerifyCutoff,
		Catalog: a.set.Catalog(), Log: a.log})
	consoleURL := ""
	if u := a.cfg.Telegram.PublicURL; u != "" {
		consoleURL = u + "/console/"
	}
	b := alerts.NewBatcher(a.rdb, alerts.BatcherConfig{Prefix: a.cfg.RedisPrefix, Interval: a.cfg.Alerts.Interval,
		Directory: s.dir, Telegram: tg, Mail: s.mail, ConsoleURL: consoleURL, Sources: []alerts.Source{watcher},
		Metrics: s.metrics, Log: a.log})
	a.background = append(a.background, b.Run)
}

// agencyOf is a report's agency ("" for a number the store does not know).
func (a *app) agencyOf(ctx context.Context, number string) (string, error) {
	r, err := a.service.Get(ctx, number)
	if errors.Is(err, api.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return r.Agency, nil
}

// accountDirectory lists the console's accounts for the alerts.
type accountDirectory struct{ accounts *console.Accounts }

// Recipients implements alerts.Directory.
func (d accountDirectory) Recipients(ctx context.Context) ([]alerts.Recipient, error) {
	list, err := d.accounts.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]alerts.Recipient, 0, len(list))
	for _, acc := range list {
		out = append(out, alerts.Recipient{Email: acc.Email, Role: acc.Role, Agency: acc.Agency, Disabled: acc.Disabled,
			TelegramChat: acc.AlertChat, ByEmail: acc.AlertEmail})
	}
	return out, nil
}
