package console

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/bot"
)

// inboxNumbers are the report numbers listed on an inbox page, in order.
func inboxNumbers(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="num"><a href="/console/reports/([A-Z0-9-]+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func seedInbox(h *harness) {
	day := func(d int) time.Time { return testNow.AddDate(0, 0, -d) }
	h.report(reportSpec{Number: "SDA-R1", Category: "jalan", Kecamatan: "Waru", Title: "Jalan berlubang dekat pasar", At: day(1)})
	h.report(reportSpec{Number: "SDA-R2", Category: "banjir", Kecamatan: "Candi", Title: "Saluran tersumbat", At: day(2), Channel: bot.ChannelWhatsApp})
	h.report(reportSpec{Number: "SDA-R3", Category: "sampah", Kecamatan: "Waru", Title: "Sampah menumpuk", At: day(3)})
	h.report(reportSpec{Number: "SDA-R4", Category: "jalan", Kecamatan: "Taman", Title: "Jembatan retak", At: day(10)})
	if err := h.svc.ChangeStatus(ctxT(h.t), "SDA-R4", "x@y.id", api.StatusVerified, "", ""); err != nil {
		h.t.Fatal(err)
	}
}

func TestInboxFilters(t *testing.T) {
	h := newHarness(t, nil)
	seedInbox(h)
	sup := h.as(RoleSupervisor, "")
	dpu := h.as(RoleAgency, "DPUBMSDA")
	tests := []struct {
		name  string
		ck    bool // as the DPUBMSDA admin
		query string
		want  []string
	}{
		{"all, newest first", false, "", []string{"SDA-R1", "SDA-R2", "SDA-R3", "SDA-R4"}},
		{"status", false, "status=verified", []string{"SDA-R4"}},
		{"category", false, "category=jalan", []string{"SDA-R1", "SDA-R4"}},
		{"agency", false, "agency=DLHK", []string{"SDA-R3"}},
		{"kecamatan", false, "kecamatan=Waru", []string{"SDA-R1", "SDA-R3"}},
		{"channel", false, "channel=whatsapp", []string{"SDA-R2"}},
		{"date range", false, "from=2026-11-27&to=2026-11-28", []string{"SDA-R2", "SDA-R3"}},
		{"text search", false, "q=SALURAN", []string{"SDA-R2"}},
		{"text search in description", false, "q=uraian+laporan+SDA-R3", []string{"SDA-R3"}},
		{"longest waiting", false, "sort=waiting", []string{"SDA-R3", "SDA-R2", "SDA-R1", "SDA-R4"}},
		{"agency admin sees only their agency", true, "", []string{"SDA-R1", "SDA-R2", "SDA-R4"}},
		{"agency admin cannot widen the agency", true, "agency=DLHK", []string{"SDA-R1", "SDA-R2", "SDA-R4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ck := sup
			if tc.ck {
				ck = dpu
			}
			rec := h.do(http.MethodGet, "/console/inbox?"+tc.query, nil, ck, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got := inboxNumbers(rec.Body.String()); !slices.Equal(got, tc.want) {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
		})
	}
}

func TestInboxCountsPagingAndSLA(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.PageSize = 2 })
	seedInbox(h)
	ck := h.as(RoleSupervisor, "")
	body := h.do(http.MethodGet, "/console/inbox?status=received", nil, ck, nil).Body.String()
	for _, want := range []string{"Diterima<b>3</b>", "Terverifikasi<b>1</b>", "Semua status<b>4</b>", "Halaman 1 dari 2", "page=2&amp;status=received"} {
		if !strings.Contains(body, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	// SDA-R3 was filed Friday 27/11 (3 working days to verify: due end of
	// Wednesday 2/12): not overdue on Monday 30/11. SDA-R4, filed Friday 20/11,
	// verified but never answered (5 working days): overdue.
	page2 := h.do(http.MethodGet, "/console/inbox?page=2", nil, ck, nil).Body.String()
	if got := inboxNumbers(page2); !slices.Equal(got, []string{"SDA-R3", "SDA-R4"}) {
		t.Fatalf("page 2 lists %v", got)
	}
	if n := strings.Count(page2, `class="overdue"`); n != 1 {
		t.Errorf("%d overdue rows on page 2, want 1 (SDA-R4)", n)
	}
	if !strings.Contains(page2, "Batas verifikasi 02/12/2026") {
		t.Error("SDA-R3's verify-by date missing")
	}
	for _, bad := range []string{"status=bogus", "sort=sideways", "from=30-11-2026"} {
		if rec := h.do(http.MethodGet, "/console/inbox?"+bad, nil, ck, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, rec.Code)
		}
	}
}

func TestDeadLetters(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-D1", Category: "jalan", Identity: "public"})
	h.report(reportSpec{Number: "SDA-D2", Category: "sampah", Identity: "public"})
	fwd := h.prefix + ":rpt:{rpt}:fwd"
	h.deadLetter(api.DeadLetter{ID: "d1", Kind: api.DeadForward, Number: "SDA-D1", Error: "complaint API answered 400: unknown service", Attempts: 1, FirstAt: testNow, LastAt: testNow, Stream: fwd, Payload: map[string]string{"number": "SDA-D1"}})
	h.deadLetter(api.DeadLetter{ID: "d2", Kind: api.DeadForward, Number: "SDA-D2", Error: "timeout", Attempts: 8, FirstAt: testNow, LastAt: testNow, Stream: fwd, Payload: map[string]string{"number": "SDA-D2"}})
	h.deadLetter(api.DeadLetter{ID: "w1", Kind: api.DeadWebhook, Target: "https://crm.example/hook", Error: "502", Attempts: 8, FirstAt: testNow, LastAt: testNow, Stream: h.prefix + ":rpt:{rpt}:hook", Payload: map[string]string{"x": "y"}})
	sup, dpu := h.as(RoleSupervisor, ""), h.as(RoleAgency, "DPUBMSDA")

	tests := []struct {
		name      string
		ck        *http.Cookie
		see, hide []string
	}{
		{"supervisor sees all", sup, []string{"SDA-D1", "SDA-D2", "https://crm.example/hook", "unknown service"}, nil},
		{"agency admin sees their agency's forwards", dpu, []string{"SDA-D1"}, []string{"SDA-D2", "crm.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := h.do(http.MethodGet, "/console/dead-letters", nil, tc.ck, nil).Body.String()
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(body, s) {
					t.Errorf("page shows %q", s)
				}
			}
		})
	}
	if rec := h.do(http.MethodPost, "/console/dead-letters/d2/retry", url.Values{}, dpu, nil); rec.Code != http.StatusNotFound {
		t.Errorf("agency admin retrying another agency's dead letter: %d, want 404", rec.Code)
	}
	before, _ := h.rdb.XLen(ctxT(t), fwd).Result()
	if rec := h.do(http.MethodPost, "/console/dead-letters/d1/retry", url.Values{}, dpu, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d", rec.Code)
	}
	after, _ := h.rdb.XLen(ctxT(t), fwd).Result()
	if after != before+1 {
		t.Errorf("forward stream grew from %d to %d, want +1", before, after)
	}
	if body := h.do(http.MethodGet, "/console/dead-letters", nil, sup, nil).Body.String(); strings.Contains(body, "SDA-D1") {
		t.Error("retried dead letter still listed")
	}
	if !h.hasAudit(AuditRetry, "SDA-D1") {
		t.Error("retry not audit-logged")
	}
}

func TestDashboard(t *testing.T) {
	h := newHarness(t, nil)
	seedInbox(h)
	if err := h.svc.Reply(ctxT(t), "SDA-R1", "x@y.id", "ok", ""); err != nil { // answered 1h after filing (fake clock: real now)
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ck        *http.Cookie
		see, hide []string
		query     string
	}{
		{"supervisor", h.as(RoleSupervisor, ""), []string{
			"Total laporan</span><b>4</b>", "Laporan lewat SLA</span><b>1</b>", "Waru</text>", "Sampah dan kebersihan</text>", "<svg class=\"bars\""}, nil, ""},
		{"agency admin", h.as(RoleAgency, "DLHK"), []string{"Total laporan</span><b>1</b>", "Sampah dan kebersihan</text>"}, []string{"Jalan dan jembatan</text>"}, ""},
		{"supervisor, one period", h.as(RoleSupervisor, ""), []string{"Total laporan</span><b>2</b>", "Laporan lewat SLA</span><b>0</b>"}, []string{"Sampah dan kebersihan</text>"}, "?from=2026-11-28&to=2026-11-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(http.MethodGet, "/console/dashboard"+tc.query, nil, tc.ck, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("dashboard lacks %q", s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(body, s) {
					t.Errorf("dashboard shows %q", s)
				}
			}
		})
	}
}

func TestAuditPage(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public"})
	h.account("boss@sidoarjo.go.id", RoleSupervisor, "")
	ck := h.login("boss@sidoarjo.go.id")
	h.do(http.MethodPost, "/console/login", url.Values{"email": {"boss@sidoarjo.go.id"}, "password": {"nope nope nope"}}, nil, nil)
	h.do(http.MethodGet, "/console/reports/SDA-A1", nil, ck, nil)
	h.do(http.MethodPost, "/console/reports/SDA-A1/reveal", url.Values{}, ck, nil)
	tests := []struct {
		query     string
		see, hide []string
	}{
		{"", []string{">login</td>", ">login_failed</td>", ">view</td>", ">reveal_pii</td>", "boss@sidoarjo.go.id", "192.0.2.1"}, nil},
		{"action=reveal_pii", []string{">reveal_pii</td>"}, []string{">view</td>", ">login</td>"}},
		{"target=SDA-A1", []string{">view</td>", ">reveal_pii</td>"}, []string{">login</td>"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			body := h.do(http.MethodGet, "/console/audit?"+tc.query, nil, ck, nil).Body.String()
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("audit page lacks %q", s)
				}
			}
			for _, s := range tc.hide {
				if strings.Contains(body, s) {
					t.Errorf("audit page shows %q", s)
				}
			}
		})
	}
	if rec := h.do(http.MethodGet, "/console/audit?before=abc", nil, ck, nil); rec.Code != http.StatusBadRequest {
		t.Errorf("bad cursor: %d, want 400", rec.Code)
	}
}

func TestAuditLogCappedByTime(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AuditRetention = time.Hour })
	ctx := ctxT(t)
	old := h.con.audit.key
	// An entry two hours old, then a fresh one: the old one is trimmed.
	if err := h.rdb.XAdd(ctx, &redis.XAddArgs{Stream: old, ID: itoa(int(time.Now().Add(-2*time.Hour).UnixMilli())) + "-0", Values: []string{"action", "view"}}).Err(); err != nil {
		t.Fatal(err)
	}
	h.con.audit.now = time.Now
	if err := h.con.audit.add(ctx, AuditEntry{Action: AuditLogin}); err != nil {
		t.Fatal(err)
	}
	n, err := h.rdb.XLen(ctx, old).Result()
	if err != nil || n != 1 {
		t.Errorf("audit stream has %d entries (%v), want 1", n, err)
	}
}
