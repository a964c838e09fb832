package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
)

// fakeQueue records what the linker queues, each id once (as NotifyOnce).
type fakeQueue struct {
	mu   sync.Mutex
	seen map[string]bool
	msgs []bot.Outbound
}

func (q *fakeQueue) NotifyOnce(_ context.Context, id string, m bot.Outbound) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.seen == nil {
		q.seen = map[string]bool{}
	}
	if !q.seen[id] {
		q.seen[id] = true
		q.msgs = append(q.msgs, m)
	}
	return nil
}

func (q *fakeQueue) sent() []bot.Outbound {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]bot.Outbound(nil), q.msgs...)
}

func alertsHarness(t *testing.T) (*harness, *fakeQueue, *AlertLinker) {
	h := newHarness(t, nil)
	q := &fakeQueue{}
	l := h.con.EnableAlerts(AlertsConfig{Queue: q, Email: true,
		BotUsername: func(context.Context) (string, error) { return "aduan_test_bot", nil }})
	return h, q, l
}

var deepLink = regexp.MustCompile(`https://t\.me/aduan_test_bot\?start=adm_([a-z2-7]{12})`)

// linkCode asks the page for a code and returns it.
func (h *harness) linkCode(ck *http.Cookie) string {
	h.t.Helper()
	rec := h.do(http.MethodPost, "/console/alerts/telegram", url.Values{}, ck, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/alerts?done=code" {
		h.t.Fatalf("POST /console/alerts/telegram: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page := h.do(http.MethodGet, "/console/alerts?done=code", nil, ck, nil).Body.String()
	m := deepLink.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "/start adm_"+m[1]) {
		h.t.Fatalf("no deep link and command on the alerts page:\n%s", page)
	}
	return m[1]
}

func (h *harness) accountOf(email string) Account {
	h.t.Helper()
	a, err := h.con.accounts.Get(ctxT(h.t), email)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// The page says what each role receives; linking and the email switch are
// for the roles that receive alerts.
func TestAlertsPageByRole(t *testing.T) {
	h, _, _ := alertsHarness(t)
	tests := []struct {
		role, agency string
		want         string
		post         int
	}{
		{RoleSupervisor, "", "Anda menerima semua peringatan", http.StatusSeeOther},
		{RoleAgency, "DLHK", "peringatan untuk instansi DLHK", http.StatusSeeOther},
		{RoleViewer, "", "Peran pemantau tidak menerima peringatan", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.role, func(t *testing.T) {
			ck := h.as(tc.role, tc.agency)
			rec := h.do(http.MethodGet, "/console/alerts", nil, ck, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, tc.want) || !strings.Contains(body, `href="/console/alerts" class="on"`) {
				t.Fatalf("GET /console/alerts: %d, want 200 with %q:\n%s", rec.Code, tc.want, body)
			}
			if got := strings.Contains(body, `action="/console/alerts/telegram"`); got != (tc.post == http.StatusSeeOther) {
				t.Errorf("link form shown: %v", got)
			}
			for _, path := range []string{"/console/alerts/telegram", "/console/alerts/telegram/unlink", "/console/alerts/email"} {
				if rec := h.do(http.MethodPost, path, url.Values{"email": {"1"}}, ck, nil); rec.Code != tc.post {
					t.Errorf("POST %s: %d, want %d", path, rec.Code, tc.post)
				}
			}
		})
	}
	for _, path := range []string{"/console/alerts", "/console/alerts/telegram"} {
		method := http.MethodGet
		if path != "/console/alerts" {
			method = http.MethodPost
		}
		if rec := h.do(method, path, url.Values{}, nil, nil); rec.Code != http.StatusSeeOther ||
			!strings.HasPrefix(rec.Header().Get("Location"), "/console/login") {
			t.Errorf("%s %s without login: %d %q", method, path, rec.Code, rec.Header().Get("Location"))
		}
	}
}

// A code links the chat that presents it first, once; the same update
// again (a redelivery) is the same success, anything else is refused; every
// answer goes to the outbound queue in both languages; all of it audited.
func TestAlertLinkCode(t *testing.T) {
	h, q, l := alertsHarness(t)
	email := h.account("ratna@sidoarjo.go.id", RoleSupervisor, "")
	ck := h.login(email)
	code := h.linkCode(ck)
	if ttl := h.rdb.PTTL(ctxT(t), h.con.codeKey(code)).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("code lives %s, want 10 min", ttl)
	}

	steps := []struct {
		name, chat, msg, code string
		want                  string // in the answer
		chatAfter             string
	}{
		{"first use", "777", "u1", code, "Akun konsol r***@sidoarjo.go.id terhubung untuk peringatan Aduan.\nConsole account r***@sidoarjo.go.id is linked", "777"},
		{"the same update again", "777", "u1", code, "", "777"}, // nothing new queued
		{"a second message with the code", "777", "u2", code, "Kode ini sudah dipakai", "777"},
		{"another chat with the code", "888", "u3", strings.ToUpper(code), "This code was used already", "777"},
		{"an unknown code", "888", "u4", "abcdefghijkl", "Kode tidak dikenal atau sudah kedaluwarsa", "777"},
		{"garbage", "888", "u5", "../../x y", "Unknown or expired code", "777"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := len(q.sent())
			if err := l.LinkAdmin(ctxT(t), s.chat, s.msg, "id", s.code); err != nil {
				t.Fatalf("LinkAdmin: %v", err)
			}
			sent := q.sent()[before:]
			if s.want == "" {
				if len(sent) != 0 {
					t.Errorf("a redelivery queued %d more answers", len(sent))
				}
			} else if len(sent) != 1 || !strings.Contains(sent[0].Text, s.want) || sent[0].ChatID != s.chat ||
				sent[0].Channel != bot.ChannelTelegram {
				t.Errorf("answers %+v, want one to chat %s containing %q", sent, s.chat, s.want)
			}
			if got := h.accountOf(email).AlertChat; got != s.chatAfter {
				t.Errorf("linked chat %q, want %q", got, s.chatAfter)
			}
		})
	}
	page := h.do(http.MethodGet, "/console/alerts", nil, ck, nil).Body.String()
	if !strings.Contains(page, "Obrolan Telegram terhubung") || deepLink.MatchString(page) {
		t.Errorf("page after linking does not say linked (or still shows the code):\n%s", page)
	}
	for _, action := range []string{AuditAlertCode, AuditAlertLinked} {
		if !h.hasAudit(action, "") {
			t.Errorf("no %s in the audit log", action)
		}
	}
	if rec := h.do(http.MethodPost, "/console/alerts/telegram/unlink", url.Values{}, ck, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("unlink: %d", rec.Code)
	}
	if got := h.accountOf(email).AlertChat; got != "" || !h.hasAudit(AuditAlertUnlink, "") {
		t.Errorf("after unlink the chat is %q (audited: %v)", got, h.hasAudit(AuditAlertUnlink, ""))
	}
	if strings.Contains(h.logs.String(), "777") || strings.Contains(h.logs.String(), "ratna@") {
		t.Error("a chat id or an email reached the logs")
	}
}

// A code made by an account that was disabled since links nothing.
func TestAlertLinkCodeOfDisabledAccount(t *testing.T) {
	h, q, l := alertsHarness(t)
	email := h.account("rudi@dpubmsda.sidoarjo.go.id", RoleAgency, "DPUBMSDA")
	code := h.linkCode(h.login(email))
	if err := h.con.accounts.SetDisabled(ctxT(t), email, true); err != nil {
		t.Fatal(err)
	}
	if err := l.LinkAdmin(ctxT(t), "777", "u1", "", code); err != nil {
		t.Fatal(err)
	}
	if got := h.accountOf(email).AlertChat; got != "" {
		t.Errorf("a disabled account got chat %q", got)
	}
	if sent := q.sent(); len(sent) != 1 || !strings.Contains(sent[0].Text, "tidak dikenal") {
		t.Errorf("answers %+v", sent)
	}
}

func TestAlertEmailSwitch(t *testing.T) {
	h, _, _ := alertsHarness(t)
	email := h.account("dewi@dlhk.sidoarjo.go.id", RoleAgency, "DLHK")
	ck := h.login(email)
	for _, tc := range []struct {
		form url.Values
		want bool
	}{{url.Values{"email": {"1"}}, true}, {url.Values{}, false}, {url.Values{"email": {"1"}}, true}} {
		if rec := h.do(http.MethodPost, "/console/alerts/email", tc.form, ck, nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("POST: %d", rec.Code)
		}
		if got := h.accountOf(email).AlertEmail; got != tc.want {
			t.Errorf("after %v: AlertEmail %v", tc.form, got)
		}
	}
	page := h.do(http.MethodGet, "/console/alerts?done=email", nil, ck, nil).Body.String()
	if !strings.Contains(page, `value="1" checked`) || !strings.Contains(page, "Pilihan email disimpan") {
		t.Errorf("page does not show the switch on and the message:\n%s", page)
	}
	var details []string
	for _, e := range h.auditEntries() {
		if e.Action == AuditAlertEmail {
			details = append(details, e.Detail)
		}
	}
	if strings.Join(details, ",") != "on,off,on" {
		t.Errorf("audited %q, want on,off,on (newest first)", details)
	}
}

// Without EnableAlerts the page still works (Telegram off) and cannot make
// codes; every message key the page may show has both languages.
func TestAlertsPageWithoutTelegram(t *testing.T) {
	h := newHarness(t, nil)
	ck := h.as(RoleSupervisor, "")
	body := h.do(http.MethodGet, "/console/alerts", nil, ck, nil).Body.String()
	if !strings.Contains(body, "Telegram tidak aktif") || !strings.Contains(body, "ADUAN_SMTP_URL") {
		t.Errorf("page without alerts configured:\n%s", body)
	}
	if rec := h.do(http.MethodPost, "/console/alerts/telegram", url.Values{}, ck, nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST link without Telegram: %d, want 404", rec.Code)
	}
	for _, k := range alertsDone {
		if _, ok := uiText[k]; !ok {
			t.Errorf("no text for %s", k)
		}
	}
}
