package console

import (
	"net/http"
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
		{"unpaired: QR code, reloading", "unpaired", RoleSupervisor, http.StatusOK,
			[]string{`<svg class="qr"`, `http-equiv="refresh"`, "Perangkat tertaut", "unpaired"}, nil, 1},
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
