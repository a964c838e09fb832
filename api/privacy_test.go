package api_test

import (
	"github.com/aduan-id/aduan/api"

	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/flows"
)

// Each identity mode on every surface where data leaves Aduan.
func TestIdentityNothingLeaks(t *testing.T) {
	const (
		name  = "Siti Rahayu"
		phone = "081234567890"
		chat  = "chat-secret-991"
		title = "Jalan berlubang"
	)
	type seen struct{ listing, lookup, forwarded, webhook, stranger string }
	tests := []struct {
		identity    string
		shows       api.Identity
		public      bool // number, title in listing/lookup/stranger status
		nameOutside bool // name/phone in forwarded payload and webhook
	}{
		{"public", api.IdentityPublic, true, true},
		{"anonim", api.IdentityAnonim, true, false},
		{"rahasia", api.IdentityRahasia, false, false},
		{"", api.IdentityRahasia, false, false},
		{"Anonymous?", api.IdentityRahasia, false, false},
	}
	for _, tc := range tests {
		t.Run("identity="+tc.identity, func(t *testing.T) {
			hooks := newHookReceiver(t, nil)
			e := newEnv(t, api.WithOutboundWebhooks(hooks.srv.URL))
			ctx := ctxT(t)
			f := newFake311(t, nil)
			n := "SDA-PRV001"
			if err := e.svc.HandleAction(ctx, submitEnv(n, "whatsapp", chat, tc.identity)); err != nil {
				t.Fatal(err)
			}
			r, _ := e.svc.Get(ctx, n)
			if r.Identity != tc.shows {
				t.Fatalf("identity %q stored as %q, want %q", tc.identity, r.Identity, tc.shows)
			}
			run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
			w := api.NewWebhookSender(e.svc, fast(api.Config{WebhookSecret: testSecret}))
			run(t, w.Run)
			eventually(t, "forwarded and webhook delivered", func() bool {
				_, reports := f.counts()
				b, _, _ := hooks.got()
				r, _ := e.svc.Get(ctx, n)
				return reports == 1 && len(b) == 1 && r.Forwarded()
			})
			var s seen
			f.mu.Lock()
			s.forwarded = f.forms[0].Encode() + " " + strings.Join(f.forms[0]["description"], "")
			f.mu.Unlock()
			bodies, _, _ := hooks.got()
			s.webhook = bodies[0]
			ec := echo.New()
			api.RegisterOpen311(ec.Group("/open311/v2"), e.svc, nil)
			s.listing = do(ec, "GET", "/open311/v2/requests.json", nil, nil).Body.String() +
				do(ec, "GET", "/open311/v2/requests.xml", nil, nil).Body.String() +
				do(ec, "GET", "/open311/v2/requests.json?service_request_id="+n, nil, nil).Body.String()
			byNumber := do(ec, "GET", "/open311/v2/requests/"+n+".json", nil, nil)
			byExt := do(ec, "GET", "/open311/v2/requests/EXT-1.xml", nil, nil)
			s.lookup = byNumber.Body.String() + byExt.Body.String()
			wantCode := 404
			if tc.public {
				wantCode = 200
			}
			if byNumber.Code != wantCode || byExt.Code != wantCode {
				t.Errorf("lookup codes %d, %d; want %d", byNumber.Code, byExt.Code, wantCode)
			}
			if !tc.public {
				// Indistinguishable from a report that does not exist.
				missing := do(ec, "GET", "/open311/v2/requests/SDA-ZZZ999.json", nil, nil).Body.String()
				if strings.ReplaceAll(byNumber.Body.String(), n, "SDA-ZZZ999") != missing {
					t.Errorf("rahasia lookup %q differs from a missing one %q", byNumber.Body, missing)
				}
			}
			before := len(e.notes.texts())
			if err := e.svc.HandleAction(ctx, actionEnv(flows.ActionStatus, "whatsapp", "stranger-1",
				map[string]string{"number": n}, nil)); err != nil {
				t.Fatal(err)
			}
			s.stranger = strings.Join(e.notes.texts()[before:], "\n")

			surfaces := map[string]string{"listing": s.listing, "lookup": s.lookup, "forwarded": s.forwarded,
				"webhook": s.webhook, "stranger status": s.stranger}
			for where, text := range surfaces {
				if strings.Contains(text, chat) {
					t.Errorf("%s carries the chat id", where)
				}
				wantName := tc.nameOutside && (where == "forwarded" || where == "webhook")
				for _, pii := range []string{"Siti", phone} {
					if strings.Contains(text, pii) != wantName {
						t.Errorf("%s: contains %q = %v, want %v", where, pii, !wantName, wantName)
					}
				}
			}
			if strings.Contains(s.listing, n) != tc.public {
				t.Errorf("listing shows the report = %v, want %v: %s", !tc.public, tc.public, s.listing)
			}
			for where, text := range map[string]string{"listing": s.listing, "lookup": s.lookup} {
				if !tc.public && strings.Contains(text, title) {
					t.Errorf("%s shows a rahasia report's title", where)
				}
			}
			if tc.public == strings.Contains(s.stranger, "tidak ditemukan") {
				t.Errorf("stranger status: %q", s.stranger)
			}
			if strings.Contains(s.stranger, title) {
				t.Errorf("stranger sees the title: %q", s.stranger)
			}
			// The agency needs the complaint itself, whatever the identity.
			if !strings.Contains(s.forwarded, "Lubang+besar") && !strings.Contains(s.forwarded, "Lubang besar") {
				t.Errorf("forwarded payload lacks the description: %s", s.forwarded)
			}
			if !strings.Contains(s.forwarded, "attribute%5Bidentity%5D="+string(tc.shows)) {
				t.Errorf("forwarded payload lacks identity %s: %s", tc.shows, s.forwarded)
			}
		})
	}
}
