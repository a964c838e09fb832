package alerts_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/alerts"
)

// storm queues 30 dead letters through the wrapped sink: 18 replies and 2
// forwards of DPUBMSDA's reports, 10 actions of DLHK's.
func storm(t *testing.T, e *env) {
	t.Helper()
	sink := alerts.WrapSink(&recordingSink{}, alerts.SinkConfig{Notifier: e.n, Directory: e.dir})
	for i := range 30 {
		kind, agency := api.DeadReply, "DPUBMSDA"
		switch {
		case i >= 20:
			kind, agency = api.DeadAction, "DLHK"
		case i >= 18:
			kind = api.DeadForward
		}
		if err := sink.AddDeadLetter(ctxT(t), deadLetter(i, kind, agency)); err != nil {
			t.Fatalf("sink: %v", err)
		}
	}
}

// Thirty dead letters within a minute are one Telegram message and one email
// per recipient: a supervisor sees all (twenty listed, "and 10 more"), an
// agency admin only their agency's, a viewer and a disabled account nothing.
func TestAlertStormIsOneMessagePerRecipient(t *testing.T) {
	e := newEnv(t)
	storm(t, e)
	b := e.batcher(nil)
	sent, err := b.Flush(ctxT(t))
	if err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if sent != 6 {
		t.Errorf("Flush sent %d messages, want 6 (3 recipients × Telegram and email)", sent)
	}
	tests := []struct {
		who, chat, email string
		alerts           int // 0: no message at all
		listed           int
		more             string
		contains         string
	}{
		{"supervisor", "9001", "ratna@sidoarjo.go.id", 30, 20, "… dan 10 lainnya / … and 10 more", "2 × Laporan tidak terkirim ke instansi / Report not filed"},
		{"DPUBMSDA admin", "9002", "rudi@dpubmsda.sidoarjo.go.id", 20, 20, "", "Laporan tidak terkirim ke instansi / Report not filed: SDA-DPU018"},
		{"DLHK admin", "9003", "dewi@dlhk.sidoarjo.go.id", 10, 10, "", "Gagal terkirim / Dead letter: SDA-DLH020 — tindakan bot / bot action"},
		{"viewer", "9004", "vera@sidoarjo.go.id", 0, 0, "", ""},
		{"disabled supervisor", "9005", "old@sidoarjo.go.id", 0, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.who, func(t *testing.T) {
			tg, mails := e.telegram(tc.chat), e.smtp.To(tc.email)
			if tc.alerts == 0 {
				if len(tg) != 0 || len(mails) != 0 {
					t.Fatalf("got %d Telegram messages and %d emails, want none", len(tg), len(mails))
				}
				return
			}
			if len(tg) != 1 || len(mails) != 1 {
				t.Fatalf("got %d Telegram messages and %d emails, want one of each", len(tg), len(mails))
			}
			body := tg[0].Text
			if mails[0].Body != body {
				t.Errorf("email body differs from the Telegram message:\n%s\n---\n%s", mails[0].Body, body)
			}
			wantSubject := "Aduan: " + strconv.Itoa(tc.alerts) + " peringatan baru / " + strconv.Itoa(tc.alerts) + " new alerts"
			if mails[0].Subject != wantSubject {
				t.Errorf("subject %q, want %q", mails[0].Subject, wantSubject)
			}
			if mails[0].From != "aduan@sidoarjo.go.id" {
				t.Errorf("envelope sender %q", mails[0].From)
			}
			if n := strings.Count(body, "\n• "); n != tc.listed {
				t.Errorf("%d alerts listed, want %d:\n%s", n, tc.listed, body)
			}
			for _, want := range []string{"peringatan baru", tc.contains, "Buka konsol / Open the console: https://aduan.example.go.id/console/"} {
				if !strings.Contains(body, want) {
					t.Errorf("message lacks %q:\n%s", want, body)
				}
			}
			if got := strings.Contains(body, "lainnya"); got != (tc.more != "") || tc.more != "" && !strings.Contains(body, tc.more) {
				t.Errorf("message's \"more\" line wrong, want %q:\n%s", tc.more, body)
			}
			if tg[0].Lang != "id" || !tg[0].Notice {
				t.Errorf("Telegram message lang %q notice %v", tg[0].Lang, tg[0].Notice)
			}
		})
	}
	if sent, err := b.Flush(ctxT(t)); err != nil || sent != 0 {
		t.Errorf("second Flush sent %d (%v), want nothing", sent, err)
	}
	for _, tc := range []struct {
		name, label string
		want        float64
	}{
		{"aduan_alerts_total", "dead_letter", 28},
		{"aduan_alerts_total", "not_filed", 2},
		{"aduan_alerts_total", "sla", 0},
		{"aduan_alert_messages_total", "telegram", 3},
		{"aduan_alert_messages_total", "email", 3},
		{"aduan_alert_message_failures_total", "email", 0},
	} {
		if got := value(t, e.m, tc.name, tc.label); got != tc.want {
			t.Errorf("%s{%s} = %v, want %v", tc.name, tc.label, got, tc.want)
		}
	}
}

// The batcher on two replicas: one holds the lease and sends; each recipient
// gets one message, whichever replica sent it.
func TestAlertBatcherOnTwoReplicasSendsOnce(t *testing.T) {
	e := newEnv(t)
	storm(t, e)
	ctx, cancel := context.WithCancel(ctxT(t))
	var wg sync.WaitGroup
	for _, owner := range []string{"replica-a", "replica-b"} {
		b := e.batcher(func(c *alerts.BatcherConfig) { c.Owner, c.Interval = owner, 20*time.Millisecond })
		wg.Go(func() { _ = b.Run(ctx) })
	}
	// The batch is done once its entries are trimmed and no batch is sealed.
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := e.rdb.XLen(ctx, e.prefix+":{alerts}:stream").Result()
		sealed, _ := e.rdb.Exists(ctx, e.prefix+":{alerts}:batch").Result()
		if err == nil && n == 0 && sealed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the batch was not sent within 20s (stream %d, sealed %d)", n, sealed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	for chat, email := range map[string]string{"9001": "ratna@sidoarjo.go.id", "9002": "rudi@dpubmsda.sidoarjo.go.id", "9003": "dewi@dlhk.sidoarjo.go.id"} {
		if tg, mails := e.telegram(chat), e.smtp.To(email); len(tg) != 1 || len(mails) != 1 {
			t.Errorf("chat %s: %d Telegram messages, %d emails; want one each", chat, len(tg), len(mails))
		}
	}
}

// An email that fails is tried again with the next batches (the Telegram
// message is not repeated), then given up, logged and counted; the alerts
// behind it are not held up for ever.
func TestAlertFailedEmailRetriedThenGivenUp(t *testing.T) {
	e := newEnv(t)
	e.dir.rs = e.dir.rs[:1] // the supervisor only
	if _, err := e.n.Alert(ctxT(t), alerts.Alert{Kind: alerts.KindNewReport, Agency: "DLHK", Number: "SDA-AAAAAA"}); err != nil {
		t.Fatal(err)
	}
	b := e.batcher(func(c *alerts.BatcherConfig) { c.Tries = 3 })

	e.smtp.FailData(2)
	for try := 1; try <= 2; try++ {
		if _, err := b.Flush(ctxT(t)); err == nil {
			t.Fatalf("try %d: Flush succeeded while the SMTP server refuses", try)
		}
	}
	if _, err := b.Flush(ctxT(t)); err != nil {
		t.Fatalf("third try: %v", err)
	}
	if tg, mails := e.telegram("9001"), e.smtp.To("ratna@sidoarjo.go.id"); len(tg) != 1 || len(mails) != 1 {
		t.Fatalf("%d Telegram messages and %d emails after a refused email and a retry, want one each", len(tg), len(mails))
	}

	e.smtp.FailData(10)
	if _, err := e.n.Alert(ctxT(t), alerts.Alert{Kind: alerts.KindSLA, Agency: "DLHK", Number: "SDA-BBBBBB"}); err != nil {
		t.Fatal(err)
	}
	for try := 1; try <= 3; try++ {
		_, err := b.Flush(ctxT(t))
		if (err == nil) != (try == 3) {
			t.Fatalf("try %d: Flush error %v", try, err)
		}
	}
	if got := value(t, e.m, "aduan_alert_message_failures_total", "email"); got != 1 {
		t.Errorf("failures{email} = %v, want 1", got)
	}
	if tg := e.telegram("9001"); len(tg) != 2 || !strings.Contains(tg[1].Text, "SDA-BBBBBB") {
		t.Errorf("Telegram messages %d, want the second batch's too", len(tg))
	}
	if sent, err := b.Flush(ctxT(t)); sent != 0 || err != nil {
		t.Errorf("after giving up: Flush sent %d, %v; want nothing left", sent, err)
	}
}

// value is one labelled series of the collector.
func value(t *testing.T, m *alerts.Metrics, name, label string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if len(s.GetLabel()) == 1 && s.GetLabel()[0].GetValue() == label {
				return s.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no series %s{%s}", name, label)
	return 0
}
