package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// routes lists every console route with a request that would succeed for a
// supervisor (a report SDA-A1 of DPUBMSDA exists).
var routes = []struct {
	method, path string
	form         url.Values
}{
	{http.MethodGet, "/console/inbox", nil},
	{http.MethodGet, "/console/dashboard", nil},
	{http.MethodGet, "/console/dead-letters", nil},
	{http.MethodGet, "/console/audit", nil},
	{http.MethodGet, "/console/accounts", nil},
	{http.MethodGet, "/console/reports/SDA-A1", nil},
	{http.MethodGet, "/console/reports/SDA-A1/photos/0", nil},
	{http.MethodPost, "/console/reports/SDA-A1/reveal", url.Values{}},
	{http.MethodPost, "/console/reports/SDA-A1/reply", url.Values{"text": {"Sedang kami cek."}}},
	{http.MethodPost, "/console/reports/SDA-A1/ask", url.Values{"text": {"Di sebelah mana tepatnya?"}}},
	{http.MethodPost, "/console/reports/SDA-A1/status", url.Values{"status": {"verified"}, "note": {"Sudah diverifikasi."}}},
	{http.MethodPost, "/console/reports/SDA-A1/note", url.Values{"text": {"Cek dengan UPT."}}},
	{http.MethodPost, "/console/reports/SDA-A1/reassign", url.Values{"agency": {"DLHK"}}},
	{http.MethodPost, "/console/dead-letters/dl1/retry", url.Values{}},
	{http.MethodPost, "/console/dead-letters/dl1/discard", url.Values{"reason": {"sudah ditangani lewat telepon"}}},
	{http.MethodPost, "/console/dead-letters/dl1/edit", url.Values{"description": {"Uraian yang diperbaiki."}}},
	{http.MethodGet, "/console/export.csv", nil},
}

func TestEveryRouteNeedsLogin(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public"})
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			rec := h.do(rt.method, rt.path, rt.form, nil, nil)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/console/login") {
				t.Fatalf("got %d %q, want a redirect to the login page", rec.Code, rec.Header().Get("Location"))
			}
		})
	}
	if got := len(h.get("SDA-A1").Timeline); got != 1 {
		t.Errorf("timeline has %d events after anonymous POSTs, want 1 (created)", got)
	}
	if n := len(h.notes.sent()); n != 0 {
		t.Errorf("%d messages sent to the citizen by anonymous POSTs", n)
	}
}

func TestPublicRoutes(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		path     string
		want     int
		location string
		body     string
	}{
		{"/", http.StatusSeeOther, "/console/", ""},
		{"/console", http.StatusSeeOther, "/console/inbox", ""},
		{"/console/", http.StatusSeeOther, "/console/inbox", ""},
		{"/console/login", http.StatusOK, "", `name="password"`},
		{"/console/static/console.css", http.StatusOK, "", ":root"},
		{"/console/static/console.js", http.StatusOK, "", "data-fill"},
		{"/console/static/../console.go", http.StatusNotFound, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec := h.do(http.MethodGet, tc.path, nil, nil, nil)
			if rec.Code != tc.want || rec.Header().Get("Location") != tc.location || !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("got %d %q, want %d %q containing %q", rec.Code, rec.Header().Get("Location"), tc.want, tc.location, tc.body)
			}
		})
	}
	rec := h.do(http.MethodGet, "/console/login", nil, nil, nil)
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
}

func TestCrossSiteStateChangeForbidden(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public"})
	h.account("boss@sidoarjo.go.id", RoleSupervisor, "")
	ck := h.login("boss@sidoarjo.go.id")
	cross := []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
	}
	for _, hdr := range cross {
		for _, rt := range routes {
			if rt.method != http.MethodPost {
				continue
			}
			rec := h.do(rt.method, rt.path, rt.form, ck, hdr)
			if rec.Code != http.StatusForbidden {
				t.Errorf("%v %s: %d, want 403", hdr, rt.path, rec.Code)
			}
		}
		rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {"boss@sidoarjo.go.id"}, "password": {testPassword}}, nil, hdr)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%v login: %d, want 403", hdr, rec.Code)
		}
	}
	if got := len(h.get("SDA-A1").Timeline); got != 1 {
		t.Errorf("timeline has %d events after cross-site POSTs, want 1", got)
	}
	// The same request from the console itself goes through.
	rec := h.do(http.MethodPost, "/console/reports/SDA-A1/note", url.Values{"text": {"ok"}}, ck, map[string]string{"Origin": "http://example.com"})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("same-origin POST: %d, want 303", rec.Code)
	}
}

// TestRoleAccess checks every route for every kind of account: a report of
// another agency is 404 (not 403), a viewer's state change is 403.
func TestRoleAccess(t *testing.T) {
	const (
		ok       = 0 // 200 for GET, 303 for POST
		notFound = http.StatusNotFound
		denied   = http.StatusForbidden
	)
	who := []struct {
		name, role, agency string
		want               map[string]int // path suffix -> code; missing = ok
	}{
		{"supervisor", RoleSupervisor, "", nil},
		{"agency admin of the report", RoleAgency, "DPUBMSDA", map[string]int{
			"/audit": denied, "/accounts": denied, "/reveal": denied, "/reassign": denied}},
		{"agency admin of another agency", RoleAgency, "DLHK", map[string]int{
			"/audit": denied, "/accounts": denied, "/reveal": denied, "/reassign": denied,
			"/reports/SDA-A1": notFound, "/photos/0": notFound, "/reply": notFound, "/ask": notFound,
			"/status": notFound, "/note": notFound, "/retry": notFound, "/discard": notFound, "/edit": notFound}},
		{"viewer of the agency", RoleViewer, "DPUBMSDA", map[string]int{
			"/audit": denied, "/accounts": denied, "/reveal": denied, "/reassign": denied, "/reply": denied, "/ask": denied,
			"/status": denied, "/note": denied, "/retry": denied, "/discard": denied, "/edit": denied, "/dead-letters": denied}},
		{"viewer of another agency", RoleViewer, "DLHK", map[string]int{
			"/audit": denied, "/accounts": denied, "/reveal": denied, "/reassign": denied, "/reply": denied, "/ask": denied,
			"/status": denied, "/note": denied, "/retry": denied, "/discard": denied, "/edit": denied, "/dead-letters": denied,
			"/reports/SDA-A1": notFound, "/photos/0": notFound}},
	}
	for _, w := range who {
		for _, rt := range routes {
			t.Run(w.name+" "+rt.method+" "+rt.path, func(t *testing.T) {
				h := newHarness(t, nil)
				ref, ct, _, err := h.cfg.MediaStore.Save(ctxT(t), strings.NewReader(pngBytes))
				if err != nil {
					t.Fatal(err)
				}
				h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public", Name: "Siti Rahayu", Phone: "081234567890",
					Photos: []flows.Photo{{Ref: ref, ContentType: ct}}})
				h.deadLetter(api.DeadLetter{ID: "dl1", Kind: api.DeadForward, Number: "SDA-A1", Error: "400 bad request", Attempts: 1, FirstAt: testNow, LastAt: testNow, Stream: h.prefix + ":rpt:{rpt}:fwd", Payload: map[string]string{"number": "SDA-A1"}})
				ck := h.as(w.role, w.agency)
				want, set := 0, false
				for suffix, code := range w.want {
					if strings.HasSuffix(rt.path, suffix) {
						want, set = code, true
					}
				}
				if !set || want == ok {
					want = http.StatusOK
					if rt.method == http.MethodPost {
						want = http.StatusSeeOther
					}
					if strings.HasSuffix(rt.path, "/reveal") {
						want = http.StatusOK // the reveal answers with the page
					}
				}
				rec := h.do(rt.method, rt.path, rt.form, ck, nil)
				if rec.Code != want {
					t.Fatalf("got %d, want %d", rec.Code, want)
				}
				if want == notFound || want == denied {
					if n := len(h.notes.sent()); n != 0 {
						t.Errorf("%d messages sent to the citizen", n)
					}
					r := h.get("SDA-A1")
					if len(r.Timeline) != 1 || r.Agency != "DPUBMSDA" || r.Status != api.StatusReceived {
						t.Errorf("report changed: %d events, agency %s, status %s", len(r.Timeline), r.Agency, r.Status)
					}
					if !h.hasAudit(AuditDenied, "SDA-A1") && strings.Contains(rt.path, "SDA-A1") {
						t.Errorf("refusal not audit-logged")
					}
				}
			})
		}
	}
}

func TestUnknownReportIs404(t *testing.T) {
	h := newHarness(t, nil)
	ck := h.as(RoleSupervisor, "")
	for _, p := range []string{"/console/reports/SDA-NOPE", "/console/reports/SDA-NOPE/photos/0", "/console/nothing/here"} {
		rec := h.do(http.MethodGet, p, nil, ck, nil)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `class="card error-page"`) {
			t.Errorf("%s: %d, want the console's 404 page", p, rec.Code)
		}
	}
	if rec := h.do(http.MethodPost, "/console/reports/SDA-NOPE/reply", url.Values{"text": {"x"}}, ck, nil); rec.Code != http.StatusNotFound {
		t.Errorf("reply to unknown report: %d, want 404", rec.Code)
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public"})
	ck := h.as(RoleSupervisor, "")
	rec := h.do(http.MethodPost, "/console/reports/SDA-A1/note", url.Values{"text": {strings.Repeat("x", 100<<10)}}, ck, nil)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("100 KiB note: %d, want 413", rec.Code)
	}
	if got := len(h.get("SDA-A1").Timeline); got != 1 {
		t.Errorf("timeline has %d events, want 1", got)
	}
}

func TestLanguage(t *testing.T) {
	h := newHarness(t, nil)
	ck := h.as(RoleSupervisor, "")
	tests := []struct {
		name  string
		path  string
		extra *http.Cookie
		want  string
	}{
		{"Indonesian by default", "/console/inbox", nil, "Kotak masuk"},
		{"English by query", "/console/inbox?lang=en", nil, "Inbox"},
		{"English by cookie", "/console/inbox", &http.Cookie{Name: langCookie, Value: "en"}, "Longest waiting"},
		{"unknown language falls back", "/console/inbox?lang=xx", nil, "Paling lama menunggu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(http.MethodGet, tc.path, nil, ck, nil)
			if tc.extra != nil {
				rec = h.do(http.MethodGet, tc.path, nil, nil, map[string]string{"Cookie": tc.extra.String() + "; " + ck.String()})
			}
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("%d, want 200 with %q", rec.Code, tc.want)
			}
		})
	}
	rec := h.do(http.MethodGet, "/console/inbox?lang=en", nil, ck, nil)
	found := false
	for _, c := range rec.Result().Cookies() {
		found = found || (c.Name == langCookie && c.Value == "en")
	}
	if !found {
		t.Error("?lang=en did not remember the language in a cookie")
	}
}

func TestAccountsPage(t *testing.T) {
	h := newHarness(t, nil)
	h.account("rudi@dpubmsda.sidoarjo.go.id", RoleAgency, "DPUBMSDA")
	if err := h.con.accounts.SetDisabled(ctxT(t), "rudi@dpubmsda.sidoarjo.go.id", true); err != nil {
		t.Fatal(err)
	}
	body := h.do(http.MethodGet, "/console/accounts", nil, h.as(RoleSupervisor, ""), nil).Body.String()
	for _, want := range []string{"rudi@dpubmsda.sidoarjo.go.id", "DPUBMSDA", "Admin instansi", "Nonaktif", "supervisor1@sidoarjo.go.id"} {
		if !strings.Contains(body, want) {
			t.Errorf("accounts page lacks %q", want)
		}
	}
	if strings.Contains(body, "$2a$") {
		t.Error("accounts page shows a password hash")
	}
}
