package main

import (
	"context"
	"maps"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/whatsapp"
)

// health serves /healthz (the process runs), /readyz (it can take traffic:
// Redis answers) and /metrics (Prometheus).
type health struct {
	a   *app
	reg *prometheus.Registry
}

func newHealth(a *app) *health { return &health{a: a, reg: prometheus.NewRegistry()} }

func (h *health) register(e *echo.Echo) {
	h.registerMetrics()
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", h.ready)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(h.reg, promhttp.HandlerOpts{})))
}

// ready is 503 while Redis does not answer: a load balancer then sends
// Telegram's webhooks to a replica that can commit them. A WhatsApp channel
// that needs an operator is reported but does not make the replica unready
// (Telegram and the console still work).
func (h *health) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), time.Second)
	defer cancel()
	body := map[string]any{"redis": "ok"}
	status := http.StatusOK
	if err := h.a.rdb.Ping(ctx).Err(); err != nil {
		body["redis"] = "unavailable"
		status = http.StatusServiceUnavailable
	}
	// The database is reported, not required: conversations and webhook
	// acks need only Redis, and the work for the database waits in Redis
	// until it is back.
	body["database"] = "ok"
	degraded := false
	if err := h.a.service.Ping(ctx); err != nil {
		body["database"] = "unavailable"
		degraded = true
	}
	// A channel that is down (its setup failing and retried, WhatsApp
	// logged out) is reported, not made a reason to take the replica out
	// of the load balancer: the console, Open311 and the other channel
	// still work there.
	if wa := h.a.whatsapp.Load(); wa != nil {
		hs := wa.Health()
		body["whatsapp"] = map[string]any{"state": hs.State, "detail": hs.Detail, "since": hs.Since,
			"healthy": !hs.NeedsOperator()}
		degraded = degraded || hs.NeedsOperator()
	} else if st := h.a.setups[bot.ChannelWhatsApp]; st != nil {
		body["whatsapp"] = st.report() // its device store is not open yet
		degraded = true
	}
	if h.a.telegram != nil {
		tg := map[string]any{"mode": map[bool]string{true: "polling", false: "webhook"}[h.a.telegram.Polling()]}
		if st := h.a.setups[bot.ChannelTelegram]; st != nil {
			maps.Copy(tg, st.report())
			degraded = degraded || !st.up()
		}
		body["telegram"] = tg
	}
	switch {
	case status != http.StatusOK:
		body["status"] = "unavailable"
	case degraded:
		body["status"] = "degraded"
	default:
		body["status"] = "ok"
	}
	return c.JSON(status, body)
}

// channelUp is 1 for a chat channel that works (Telegram set up, WhatsApp
// not needing an operator), else 0.
func (h *health) channelUp() map[string]bool {
	up := map[string]bool{}
	if h.a.telegram != nil {
		st := h.a.setups[bot.ChannelTelegram]
		up[bot.ChannelTelegram] = st == nil || st.up()
	}
	if wa := h.a.whatsapp.Load(); wa != nil {
		up[bot.ChannelWhatsApp] = !wa.Health().NeedsOperator()
	} else if h.a.setups[bot.ChannelWhatsApp] != nil {
		up[bot.ChannelWhatsApp] = false
	}
	return up
}

func (h *health) registerMetrics() {
	// The Go runtime's and the process's own (go_*, process_*), and what
	// this binary is (aduan_build_info).
	h.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfoMetric())
	counter := func(name, help string, f func() float64) {
		h.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	d := h.a.dispatcher.Stats()
	counter("aduan_inbound_handled_total", "Inbound messages committed.", func() float64 { return float64(d.Handled.Load()) })
	counter("aduan_inbound_duplicates_total", "Inbound messages already processed (redeliveries).", func() float64 { return float64(d.Duplicates.Load()) })
	counter("aduan_inbound_stale_buttons_total", "Presses of buttons of old questions.", func() float64 { return float64(d.Stale.Load()) })
	counter("aduan_inbound_conflicts_total", "Session version conflicts retried.", func() float64 { return float64(d.Conflicts.Load()) })
	counter("aduan_inbound_failed_total", "Inbound messages that could not be committed (left to redelivery).", func() float64 { return float64(d.Failed.Load()) })
	sent := func(f func() int64) func() float64 {
		return func() float64 {
			if h.a.sender == nil {
				return 0
			}
			return float64(f())
		}
	}
	h.reg.MustRegister(&replyCollector{h: h}) // aduan_replies_{sent,retried,failed}_total{channel}, aduan_channel_up{channel}
	counter("aduan_replies_dead_total", "Replies dead-lettered.", sent(func() int64 { return h.a.sender.Stats().DeadLettered }))
	counter("aduan_replies_rate_limited_total", "Platform 429 answers.", sent(func() int64 { return h.a.sender.Stats().RateLimited }))
	counter("aduan_chats_unreachable_total", "Chats marked unreachable (blocked the bot).", sent(func() int64 { return h.a.sender.Stats().Unreachable }))
	h.reg.MustRegister(h.a.queueMetrics()) // aduan_queue_*{queue="reply"|"action"|...}
	if tg := h.a.telegram; tg != nil {
		counter("aduan_telegram_webhook_malformed_total", "Webhook bodies that are not an update (answered 200).", func() float64 { return float64(tg.Stats().Malformed) })
		counter("aduan_telegram_webhook_unauthorized_total", "Webhook requests with a wrong secret (401).", func() float64 { return float64(tg.Stats().Unauthorized) })
		counter("aduan_telegram_updates_ignored_total", "Edits, group messages, member changes.", func() float64 { return float64(tg.Stats().Ignored) })
		counter("aduan_telegram_media_refused_total", "Photos refused by size or type.", func() float64 { return float64(tg.Stats().MediaRefused) })
		counter("aduan_telegram_panics_total", "Updates whose processing panicked.", func() float64 { return float64(tg.Stats().Panics) })
	}
	if h.a.setups[bot.ChannelWhatsApp] != nil {
		// The adapter appears once its device store is open: 0 until then.
		wa := func(f func(whatsapp.Stats) int64) func() float64 {
			return func() float64 {
				if wa := h.a.whatsapp.Load(); wa != nil {
					return float64(f(wa.Stats()))
				}
				return 0
			}
		}
		counter("aduan_whatsapp_inbound_failed_total", "Messages not committed (left for WhatsApp to redeliver).", wa(func(s whatsapp.Stats) int64 { return s.InboundFailed }))
		counter("aduan_whatsapp_ignored_total", "Group, status, own and protocol messages.", wa(func(s whatsapp.Stats) int64 { return s.Ignored }))
		counter("aduan_whatsapp_disconnects_total", "Ordinary disconnects (reconnected with backoff).", wa(func(s whatsapp.Stats) int64 { return s.Disconnects }))
		counter("aduan_whatsapp_terminal_events_total", "Logged out, banned, replaced, outdated: an operator must act.", wa(func(s whatsapp.Stats) int64 { return s.Terminal }))
		counter("aduan_whatsapp_lease_lost_total", "Times this replica lost the connection lease.", wa(func(s whatsapp.Stats) int64 { return s.LeaseLost }))
		h.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aduan_whatsapp_healthy",
			Help: "1 while the WhatsApp channel is connected or on standby, 0 when it needs an operator or its device store is not open."},
			func() float64 {
				if wa := h.a.whatsapp.Load(); wa != nil && !wa.Health().NeedsOperator() {
					return 1
				}
				return 0
			}))
	}
}

// replyCollector reads the reply sender's per-channel counters at each
// scrape (the sender starts after /metrics is registered).
type replyCollector struct{ h *health }

var (
	repliesSentDesc = prometheus.NewDesc("aduan_replies_sent_total", "Replies delivered, by channel.", []string{"channel"}, nil)
	repliesRetried  = prometheus.NewDesc("aduan_replies_retried_total", "Failed sends that will be retried, by channel.", []string{"channel"}, nil)
	repliesFailed   = prometheus.NewDesc("aduan_replies_failed_total",
		"Replies given up, by channel: dead-lettered, or not sent because the citizen blocked the bot.", []string{"channel"}, nil)
	channelUpDesc = prometheus.NewDesc("aduan_channel_up",
		"1 while a chat channel works (Telegram set up, WhatsApp not needing an operator), else 0.", []string{"channel"}, nil)
)

func (r *replyCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{repliesSentDesc, repliesRetried, repliesFailed, channelUpDesc} {
		ch <- d
	}
}

func (r *replyCollector) Collect(ch chan<- prometheus.Metric) {
	if s := r.h.a.sender; s != nil {
		for name, st := range s.ChannelStats() {
			ch <- prometheus.MustNewConstMetric(repliesSentDesc, prometheus.CounterValue, float64(st.Sent), name)
			ch <- prometheus.MustNewConstMetric(repliesRetried, prometheus.CounterValue, float64(st.Retried), name)
			ch <- prometheus.MustNewConstMetric(repliesFailed, prometheus.CounterValue, float64(st.Failed), name)
		}
	}
	for name, up := range r.h.channelUp() {
		v := 0.0
		if up {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(channelUpDesc, prometheus.GaugeValue, v, name)
	}
}
