package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoginOutcomes(t *testing.T) {
	h := newHarness(t, nil)
	h.account("sari@sidoarjo.go.id", RoleAgency, "DLHK")
	h.account("off@sidoarjo.go.id", RoleSupervisor, "")
	if err := h.con.accounts.SetDisabled(ctxT(t), "off@sidoarjo.go.id", true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		want                  int
		audit                 string
	}{
		{"right password", "sari@sidoarjo.go.id", testPassword, http.StatusSeeOther, AuditLogin},
		{"email case and spaces", "  Sari@Sidoarjo.go.id ", testPassword, http.StatusSeeOther, AuditLogin},
		{"wrong password", "sari@sidoarjo.go.id", "wrong password!", http.StatusUnauthorized, AuditLoginFailed},
		{"unknown account", "nobody@sidoarjo.go.id", testPassword, http.StatusUnauthorized, AuditLoginFailed},
		{"disabled account", "off@sidoarjo.go.id", testPassword, http.StatusUnauthorized, AuditLoginFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {tc.email}, "password": {tc.password}}, nil, nil)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if got := h.auditEntries()[0]; got.Action != tc.audit || got.Actor != NormalizeEmail(tc.email) {
				t.Errorf("last audit entry %+v, want %s by %s", got, tc.audit, tc.email)
			}
			if strings.Contains(rec.Body.String(), tc.password) {
				t.Error("the password is echoed in the page")
			}
		})
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "secure"}[secure], func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.SecureCookies = secure })
			h.account("a@sidoarjo.go.id", RoleSupervisor, "")
			ck := h.login("a@sidoarjo.go.id")
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/console" || ck.Secure != secure {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/console, Secure=%v", ck, secure)
			}
			ttl, err := h.rdb.PTTL(ctxT(t), h.con.sessions.key(ck.Value)).Result()
			if err != nil || ttl <= 0 || ttl > 2*time.Hour {
				t.Errorf("session TTL %v (%v), want in (0, 2h]", ttl, err)
			}
		})
	}
}

func TestLoginRedirectsBackAndNoOpenRedirect(t *testing.T) {
	h := newHarness(t, nil)
	h.account("a@sidoarjo.go.id", RoleSupervisor, "")
	tests := []struct{ next, want string }{
		{"/console/dashboard", "/console/dashboard"},
		{"https://evil.example/", "/console/inbox"},
		{"//evil.example/console/", "/console/inbox"},
		{"/console/\\evil", "/console/inbox"},
	}
	for _, tc := range tests {
		rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {"a@sidoarjo.go.id"}, "password": {testPassword}, "next": {tc.next}}, nil, nil)
		if got := rec.Header().Get("Location"); got != tc.want {
			t.Errorf("next %q: redirected to %q, want %q", tc.next, got, tc.want)
		}
	}
}

func TestLogoutEndsSession(t *testing.T) {
	h := newHarness(t, nil)
	ck := h.as(RoleSupervisor, "")
	if rec := h.do(http.MethodGet, "/console/inbox", nil, ck, nil); rec.Code != http.StatusOK {
		t.Fatalf("inbox before logout: %d", rec.Code)
	}
	if rec := h.do(http.MethodPost, "/console/logout", url.Values{}, ck, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	rec := h.do(http.MethodGet, "/console/inbox", nil, ck, nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/console/login") {
		t.Fatalf("inbox after logout: %d %s, want a redirect to login", rec.Code, rec.Header().Get("Location"))
	}
}

func TestSessionEnds(t *testing.T) {
	tests := []struct {
		name  string
		apply func(h *harness, ck *http.Cookie, clock *time.Time)
	}{
		{"account disabled", func(h *harness, ck *http.Cookie, _ *time.Time) {
			if err := h.con.accounts.SetDisabled(ctxT(h.t), "a@sidoarjo.go.id", true); err != nil {
				h.t.Fatal(err)
			}
		}},
		{"past the maximum age", func(_ *harness, _ *http.Cookie, clock *time.Time) { *clock = clock.Add(13 * time.Hour) }},
		{"idle session expired in Redis", func(h *harness, ck *http.Cookie, _ *time.Time) {
			if err := h.rdb.Del(ctxT(h.t), h.con.sessions.key(ck.Value)).Err(); err != nil {
				h.t.Fatal(err)
			}
		}},
		{"forged token", func(_ *harness, ck *http.Cookie, _ *time.Time) { ck.Value = strings.Repeat("a", 64) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := testNow
			h := newHarness(t, func(c *Config) { c.Now = func() time.Time { return clock } })
			h.account("a@sidoarjo.go.id", RoleSupervisor, "")
			ck := h.login("a@sidoarjo.go.id")
			tc.apply(h, ck, &clock)
			rec := h.do(http.MethodGet, "/console/inbox", nil, ck, nil)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/console/login") {
				t.Fatalf("got %d %s, want a redirect to login", rec.Code, rec.Header().Get("Location"))
			}
		})
	}
}

func TestLoginLockout(t *testing.T) {
	const untrusted = "203.0.113.7:40000"
	tests := []struct {
		name    string
		proxies []string
		// fail sends the i-th failed attempt; then check sends a correct login.
		fail  func(i int) (email string, hdr map[string]string)
		check map[string]string
		email string
		want  int
	}{
		{
			name: "per account, from changing addresses",
			fail: func(i int) (string, map[string]string) {
				return "a@sidoarjo.go.id", map[string]string{"RemoteAddr": "198.51.100." + itoa(i+1) + ":1"}
			},
			check: map[string]string{"RemoteAddr": "198.51.100.200:1"}, email: "a@sidoarjo.go.id", want: http.StatusTooManyRequests,
		},
		{
			name: "per address, guessing many accounts",
			fail: func(i int) (string, map[string]string) {
				return "x" + itoa(i) + "@sidoarjo.go.id", map[string]string{"RemoteAddr": untrusted}
			},
			check: map[string]string{"RemoteAddr": untrusted}, email: "a@sidoarjo.go.id", want: http.StatusTooManyRequests,
		},
		{
			name: "forged X-Forwarded-For from an untrusted peer does not dodge the limit",
			fail: func(i int) (string, map[string]string) {
				return "x" + itoa(i) + "@sidoarjo.go.id", map[string]string{"RemoteAddr": untrusted, "X-Forwarded-For": "10.9.9." + itoa(i)}
			},
			check: map[string]string{"RemoteAddr": untrusted, "X-Forwarded-For": "10.9.9.99"}, email: "a@sidoarjo.go.id", want: http.StatusTooManyRequests,
		},
		{
			name: "forged X-Forwarded-For from loopback is not trusted either without configuration",
			fail: func(i int) (string, map[string]string) {
				return "x" + itoa(i) + "@sidoarjo.go.id", map[string]string{"RemoteAddr": "127.0.0.1:5000", "X-Forwarded-For": "10.9.9." + itoa(i)}
			},
			check: map[string]string{"RemoteAddr": "127.0.0.1:5000", "X-Forwarded-For": "10.9.9.99"}, email: "a@sidoarjo.go.id", want: http.StatusTooManyRequests,
		},
		{
			name:    "a trusted proxy's clients are told apart",
			proxies: []string{"10.0.0.0/8"},
			fail: func(i int) (string, map[string]string) {
				return "x" + itoa(i) + "@sidoarjo.go.id", map[string]string{"RemoteAddr": "10.1.1.1:1", "X-Forwarded-For": "198.51.100.9"}
			},
			check: map[string]string{"RemoteAddr": "10.1.1.1:1", "X-Forwarded-For": "198.51.100.10"}, email: "a@sidoarjo.go.id", want: http.StatusSeeOther,
		},
		{
			name:    "behind a trusted proxy the real client is still locked out",
			proxies: []string{"10.0.0.0/8"},
			fail: func(i int) (string, map[string]string) {
				return "x" + itoa(i) + "@sidoarjo.go.id", map[string]string{"RemoteAddr": "10.1.1.1:1", "X-Forwarded-For": "198.51.100.9"}
			},
			check: map[string]string{"RemoteAddr": "10.1.1.2:1", "X-Forwarded-For": "198.51.100.9"}, email: "a@sidoarjo.go.id", want: http.StatusTooManyRequests,
		},
		{
			name:  "four failures are not yet a lockout",
			fail:  nil,
			check: map[string]string{"RemoteAddr": untrusted}, email: "a@sidoarjo.go.id", want: http.StatusSeeOther,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.TrustedProxies = tc.proxies })
			h.account("a@sidoarjo.go.id", RoleSupervisor, "")
			n := 5
			fail := tc.fail
			if fail == nil {
				n = 4
				fail = func(int) (string, map[string]string) {
					return "a@sidoarjo.go.id", map[string]string{"RemoteAddr": untrusted}
				}
			}
			for i := range n {
				email, hdr := fail(i)
				rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {email}, "password": {"wrong password!"}}, nil, hdr)
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("failure %d: status %d, want 401", i, rec.Code)
				}
			}
			rec := h.do(http.MethodPost, "/console/login", url.Values{"email": {tc.email}, "password": {testPassword}}, nil, tc.check)
			if rec.Code != tc.want {
				t.Fatalf("correct login after failures: %d, want %d", rec.Code, tc.want)
			}
			if tc.want == http.StatusTooManyRequests {
				if rec.Header().Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				if !h.hasAudit(AuditLoginBlocked, "") {
					t.Error("blocked login not audit-logged")
				}
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
