package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/api/alerts/alertstest"
	"github.com/aduan-id/aduan/api/console"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

const alertsWebhookSecret = "alerts-e2e-secret"

// `aduan serve` with alerts, end to end: a supervisor links a Telegram chat
// from the console (POST → code → /start adm_<code> through the real
// webhook, adapter and dispatcher), a second use of the code is refused,
// email is turned on; then a citizen's replies are dead-lettered and the
// supervisor gets a Telegram message and an email about it, the viewer and
// the other agency's admin nothing.
func TestAlertsEndToEnd(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	fake := telegramtest.New(t)
	smtp := alertstest.NewSMTP(t)
	addr := freeAddr(t)
	t.Setenv("REDIS_URL", "redis://"+redistest.Addr()+"/0")
	t.Setenv("ADUAN_REDIS_PREFIX", prefix)
	t.Setenv("ADUAN_DATA_DIR", t.TempDir())
	t.Setenv("ADUAN_TELEGRAM_TOKEN", telegramtest.Token)
	t.Setenv("ADUAN_TELEGRAM_API_URL", fake.URL)
	t.Setenv("ADUAN_PUBLIC_URL", "https://aduan.example.go.id")
	t.Setenv("ADUAN_TELEGRAM_WEBHOOK_SECRET", alertsWebhookSecret)
	t.Setenv("ADUAN_SMTP_URL", smtp.URL("aduan@sidoarjo.go.id"))
	t.Setenv("ADUAN_ALERT_INTERVAL", "200ms")
	t.Setenv("ADUAN_LOG_LEVEL", "error")

	ctx, cancel := context.WithCancel(context.Background())
	accounts := console.NewAccounts(rdb, prefix)
	var wg sync.WaitGroup // bcrypt at cost 12: hash the three at once
	for _, a := range []console.Account{
		{Email: "ratna@sidoarjo.go.id", Name: "Ratna Sari", Role: console.RoleSupervisor},
		{Email: "dewi@dlhk.sidoarjo.go.id", Name: "Dewi", Role: console.RoleAgency, Agency: "DLHK"},
		{Email: "vera@sidoarjo.go.id", Name: "Vera", Role: console.RoleViewer},
	} {
		wg.Go(func() {
			if err := accounts.Add(ctx, a, "correct horse battery"); err != nil {
				t.Error(err)
			}
			if err := accounts.SetAlertEmail(ctx, a.Email, true); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--listen", addr}) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s of its context ending")
		}
	}()
	base := "http://" + addr
	waitHTTP(t, base+"/healthz")

	// The supervisor links a chat from the console.
	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar}
	page := form(t, web, base+"/console/login", url.Values{"email": {"ratna@sidoarjo.go.id"}, "password": {"correct horse battery"}})
	if !strings.Contains(page, "Ratna Sari") {
		t.Fatalf("login did not work:\n%s", page)
	}
	page = form(t, web, base+"/console/alerts/telegram", url.Values{})
	m := regexp.MustCompile(`https://t\.me/aduan_test_bot\?start=adm_([a-z2-7]+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no deep link on the alerts page:\n%s", page)
	}
	code := m[1]

	admin := telegramtest.NewUpdates(777, "id", 5000)
	if got := postUpdate(t, base, admin.Text("/start adm_"+code)); got != http.StatusOK {
		t.Fatalf("webhook: %d", got)
	}
	fake.WaitFor(t, 10*time.Second, "the link answer", func([]telegramtest.Call) bool { return len(fake.Texts("777")) >= 1 })
	if got := fake.Texts("777")[0]; !strings.Contains(got, "r***@sidoarjo.go.id terhubung untuk peringatan") {
		t.Errorf("link answer %q", got)
	}
	if a, err := accounts.Get(ctx, "ratna@sidoarjo.go.id"); err != nil || a.AlertChat != "777" {
		t.Fatalf("account's alert chat %q (%v), want 777", a.AlertChat, err)
	}
	if n := len(fake.CallsOf("sendMessage", "777")); n != 1 {
		t.Errorf("the admin's chat got %d messages, want only the link answer (no citizen welcome)", n)
	}

	// The code again, from another chat: refused; the link stays.
	other := telegramtest.NewUpdates(778, "id", 6000)
	if got := postUpdate(t, base, other.Text("/start adm_"+code)); got != http.StatusOK {
		t.Fatalf("webhook: %d", got)
	}
	fake.WaitFor(t, 10*time.Second, "the refusal", func([]telegramtest.Call) bool { return len(fake.Texts("778")) >= 1 })
	if got := fake.Texts("778")[0]; !strings.Contains(got, "sudah dipakai") {
		t.Errorf("second use answered %q", got)
	}
	if a, _ := accounts.Get(ctx, "ratna@sidoarjo.go.id"); a.AlertChat != "777" {
		t.Errorf("the second use moved the link to %q", a.AlertChat)
	}

	// A citizen the bot cannot reach: the replies are dead letters, and the
	// supervisor is told, once a batch, by Telegram and email.
	fake.Fail("sendMessage", "555", telegramtest.BadRequest, -1)
	citizen := telegramtest.NewUpdates(555, "id", 7000)
	if got := postUpdate(t, base, citizen.Text("halo")); got != http.StatusOK {
		t.Fatalf("webhook: %d", got)
	}
	fake.WaitFor(t, 20*time.Second, "an alert in the supervisor's chat", func([]telegramtest.Call) bool {
		for _, s := range fake.Texts("777") {
			if strings.Contains(s, "Gagal terkirim / Dead letter") {
				return true
			}
		}
		return false
	})
	smtp.WaitFor(t, 20*time.Second, "an alert email to the supervisor", func([]alertstest.Mail) bool {
		return len(smtp.To("ratna@sidoarjo.go.id")) >= 1
	})
	if got := smtp.To("ratna@sidoarjo.go.id")[0]; !strings.Contains(got.Body, "pesan ke warga / message to a citizen") ||
		!strings.Contains(got.Body, "https://aduan.example.go.id/console/") {
		t.Errorf("alert email:\n%s", got.Body)
	}
	for _, who := range []string{"vera@sidoarjo.go.id", "dewi@dlhk.sidoarjo.go.id"} {
		if n := len(smtp.To(who)); n != 0 {
			t.Errorf("%s got %d alert emails, want none", who, n)
		}
	}
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{`aduan_alerts_total{kind="dead_letter"}`, `aduan_alert_messages_total{channel="email"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// form posts a console form and returns the page it redirects to.
func form(t *testing.T, c *http.Client, u string, v url.Values) string {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d", u, resp.StatusCode)
	}
	return b.String()
}

// postUpdate delivers an update to the Telegram webhook.
func postUpdate(t *testing.T, base string, raw []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+telegramWebhookPath, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegram.SecretHeader, alertsWebhookSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAlertConfig(t *testing.T) {
	tests := []struct {
		env      map[string]string
		bad      []string
		interval time.Duration
		smtp     string
	}{
		{map[string]string{}, nil, 0, ""},
		{map[string]string{"ADUAN_ALERT_INTERVAL": "30s", "ADUAN_SMTP_URL": "smtp://u:p@mail.example.go.id:587?from=aduan@example.go.id"},
			nil, 30 * time.Second, "smtp://u:p@mail.example.go.id:587?from=aduan@example.go.id"},
		{map[string]string{"ADUAN_ALERT_INTERVAL": "0s"}, []string{"ADUAN_ALERT_INTERVAL"}, 0, ""},
		{map[string]string{"ADUAN_SMTP_URL": "smtp://u:secretpw@mail.example.go.id"}, []string{"ADUAN_SMTP_URL"}, 0, ""},
		{map[string]string{"ADUAN_SMTP_URL": "mail.example.go.id"}, []string{"ADUAN_SMTP_URL"}, 0, ""},
	}
	for _, tc := range tests {
		c, bad := readMap(tc.env)
		if strings.Join(badNames(bad), ",") != strings.Join(tc.bad, ",") {
			t.Errorf("%v: bad %v, want %v", tc.env, badNames(bad), tc.bad)
		}
		if c.Alerts.Interval != tc.interval || c.Alerts.SMTPURL != tc.smtp {
			t.Errorf("%v: %+v", tc.env, c.Alerts)
		}
		if strings.Contains(bad.Error(), "secretpw") {
			t.Errorf("the error shows the SMTP password: %s", bad.Error())
		}
	}
	if console.RoleSupervisor != alerts.RoleSupervisor || console.RoleAgency != alerts.RoleAgency {
		t.Error("console's and alerts' role names differ")
	}
}
