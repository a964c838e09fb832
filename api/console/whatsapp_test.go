package console

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWhatsAppPage(t *testing.T) {
	tests := []struct {
		name      string
		state     string
		role      string
		want      int
		see, hide []string
		asks      int32 // PairingQR calls
	}{
		{"unpaired: QR code of a running round, reloading", "unpaired", RoleSupervisor, http.StatusOK,
			[]string{`<svg class="qr"`, `http-equiv="refresh"`, "Perangkat tertaut", "unpaired"}, []string{`action="/console/whatsapp/pair"`}, 1},
		{"connected: no QR, no reload", "connected", RoleSupervisor, http.StatusOK,
			[]string{"connected"}, []string{`<svg class="qr"`, `http-equiv="refresh"`}, 0},
		{"agency admin", "unpaired", RoleAgency, http.StatusForbidden, nil, []string{`<svg class="qr"`}, 0},
		{"viewer", "unpaired", RoleViewer, http.StatusForbidden, nil, []string{`<svg class="qr"`}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var asks atomic.Int32
			h := newHarness(t, func(c *Config) {
				c.WhatsApp = &WhatsAppLink{
					Status: func() WhatsAppStatus {
						return WhatsAppStatus{State: tc.state, Since: testNow.Add(-time.Hour), NeedsOperator: tc.state != "connected"}
					},
					PairingQR: func() (string, bool) { asks.Add(1); return "2@Q8bU6cMfg0XyZ,abcdef==,ghijkl==", true },
				}
			})
			agency := ""
			if tc.role != RoleSupervisor {
				agency = "DLHK"
			}
			rec := h.do(http.MethodGet, "/console/whatsapp", nil, h.as(tc.role, agency), nil)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			body := rec.Body.String()
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
			if got := asks.Load(); got != tc.asks {
				t.Errorf("PairingQR asked %d times, want %d", got, tc.asks)
			}
		})
	}
}

func TestWhatsAppPageHiddenWithoutChannel(t *testing.T) {
	h := newHarness(t, nil)
	ck := h.as(RoleSupervisor, "")
	if rec := h.do(http.MethodGet, "/console/whatsapp", nil, ck, nil); rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
	if body := h.do(http.MethodGet, "/console/inbox", nil, ck, nil).Body.String(); strings.Contains(body, `href="/console/whatsapp"`) {
		t.Error("navigation links a WhatsApp page that does not exist")
	}
}

// Pairing starts only with a supervisor's POST (audit-logged); the page
// itself only reads, and shows the start button while no round runs.
func TestWhatsAppPairingStartsWithPost(t *testing.T) {
	var requests atomic.Int32
	h := newHarness(t, func(c *Config) {
		c.WhatsApp = &WhatsAppLink{
			Status:         func() WhatsAppStatus { return WhatsAppStatus{State: "unpaired", Since: testNow, NeedsOperator: true} },
			RequestPairing: func() { requests.Add(1) },
			PairingQR:      func() (string, bool) { return "", false },
		}
	})
	sup := h.as(RoleSupervisor, "")
	page := h.do(http.MethodGet, "/console/whatsapp", nil, sup, nil)
	if body := page.Body.String(); page.Code != http.StatusOK || !strings.Contains(body, `action="/console/whatsapp/pair"`) || strings.Contains(body, `http-equiv="refresh"`) {
		t.Fatalf("unpaired page without a start button (or reloading for nothing): %d", page.Code)
	}
	if requests.Load() != 0 {
		t.Fatal("viewing the page started pairing")
	}
	if rec := h.do(http.MethodPost, "/console/whatsapp/pair", url.Values{}, h.as(RoleAgency, "DLHK"), nil); rec.Code != http.StatusForbidden {
		t.Errorf("agency admin POST: %d, want 403", rec.Code)
	}
	rec := h.do(http.MethodPost, "/console/whatsapp/pair", url.Values{}, sup, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/whatsapp?pairing=1" || requests.Load() != 1 {
		t.Fatalf("supervisor POST: %d %q, %d requests", rec.Code, rec.Header().Get("Location"), requests.Load())
	}
	waiting := h.do(http.MethodGet, "/console/whatsapp?pairing=1", nil, sup, nil).Body.String()
	if !strings.Contains(waiting, `http-equiv="refresh"`) {
		t.Error("after starting, the page does not reload to pick up the code")
	}
	found := false
	for _, e := range h.auditEntries() {
		found = found || e.Action == "whatsapp.pair"
	}
	if !found {
		t.Error("starting to pair is not in the audit log")
	}
}
