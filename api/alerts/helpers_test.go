package alerts_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/api/alerts/alertstest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// directory is a fixed list of accounts.
type directory struct {
	mu sync.Mutex
	rs []alerts.Recipient
}

func (d *directory) Recipients(context.Context) ([]alerts.Recipient, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]alerts.Recipient(nil), d.rs...), nil
}

// staff are the accounts of most tests: each wants Telegram and email.
func staff() *directory {
	return &directory{rs: []alerts.Recipient{
		{Email: "ratna@sidoarjo.go.id", Role: alerts.RoleSupervisor, TelegramChat: "9001", ByEmail: true},
		{Email: "rudi@dpubmsda.sidoarjo.go.id", Role: alerts.RoleAgency, Agency: "DPUBMSDA", TelegramChat: "9002", ByEmail: true},
		{Email: "dewi@dlhk.sidoarjo.go.id", Role: alerts.RoleAgency, Agency: "DLHK", TelegramChat: "9003", ByEmail: true},
		{Email: "vera@sidoarjo.go.id", Role: "viewer", TelegramChat: "9004", ByEmail: true},
		{Email: "old@sidoarjo.go.id", Role: alerts.RoleSupervisor, Disabled: true, TelegramChat: "9005", ByEmail: true},
	}}
}

// env is the alerts side on a real Redis: a notifier, the outbound streams
// of the messaging core, a fake SMTP server.
type env struct {
	t      *testing.T
	rdb    redis.UniversalClient
	prefix string
	keys   bot.Keys
	dir    *directory
	n      *alerts.Notifier
	smtp   *alertstest.SMTP
	mailer *alerts.SMTP
	queue  *bot.QueueNotifier
	m      *alerts.Metrics
}

func newEnv(t *testing.T) *env {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	e := &env{t: t, rdb: rdb, prefix: prefix, keys: bot.NewKeys(prefix, 4), dir: staff(), smtp: alertstest.NewSMTP(t),
		m: alerts.NewMetrics()}
	e.n = alerts.NewNotifier(rdb, prefix, e.m)
	e.queue = bot.NewNotifier(rdb, e.keys)
	var err error
	e.mailer, err = alerts.ParseSMTPURL(e.smtp.URL("aduan@sidoarjo.go.id"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) batcher(mutate func(*alerts.BatcherConfig)) *alerts.Batcher {
	cfg := alerts.BatcherConfig{Prefix: e.prefix, Directory: e.dir, Telegram: e.queue, Mail: e.mailer,
		ConsoleURL: "https://aduan.example.go.id/console/", Metrics: e.m}
	if mutate != nil {
		mutate(&cfg)
	}
	return alerts.NewBatcher(e.rdb, cfg)
}

// telegram returns the messages queued for a chat on the outbound stream.
func (e *env) telegram(chat string) []bot.Outbound {
	e.t.Helper()
	xs, err := e.rdb.XRange(ctxT(e.t), e.keys.Outbound(e.keys.Shard(bot.ChannelTelegram, chat)), "-", "+").Result()
	if err != nil {
		e.t.Fatalf("outbound stream: %v", err)
	}
	var out []bot.Outbound
	for _, x := range xs {
		m, err := bot.DecodeOutbound(x)
		if err != nil {
			e.t.Fatal(err)
		}
		if m.ChatID == chat {
			out = append(out, m)
		}
	}
	return out
}

// deadLetter is a dead letter of queue kind about a report of agency.
func deadLetter(i int, kind, agency string) api.DeadLetter {
	now := time.Now()
	return api.DeadLetter{Kind: kind, Stream: "aduan:{s1}:out", Entry: fmt.Sprintf("1700000000000-%d", i),
		Number: fmt.Sprintf("SDA-%s%03d", agency[:3], i), Agency: agency, Error: "blocked", Attempts: 1,
		FirstAt: now, LastAt: now,
		Payload: map[string]string{bot.FieldOutbound: `{"ch":"telegram","chat":"5551","text":"x"}`}}
}

// recordingSink is a dead-letter store that counts its calls.
type recordingSink struct {
	mu    sync.Mutex
	calls int
}

func (s *recordingSink) AddDeadLetter(context.Context, api.DeadLetter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return nil
}
