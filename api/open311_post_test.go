package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
)

// What a POST keeps: the filer's e-mail and account id as the reporter's
// contact (leaving Aduan only for identity public), the filing key's hash
// (never the key), a given media_url as an internal note; and the identity
// of a POST without attribute[identity]: the service's api_identity, public
// unless configured.
func TestOpen311PostKeepsContactAndDefaultsIdentity(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 30, 10, 0, 0, 0, wib)}
	e, srv := specServer(t, clk, nil)
	ctx := ctxT(t)
	cat := e.svc.Catalog()
	for i := range cat.Services {
		if cat.Services[i].Code == "kesehatan" {
			cat.Services[i].APIIdentity = "anonim"
		}
	}
	c := &specClient{t: t, root: srv.URL + api.Open311Root, format: "json", apiKey: "key-b"}
	tests := []struct {
		name, code, identity string
		want                 api.Identity
	}{
		{"no identity", "jalan", "", api.IdentityPublic},
		{"service defaults to anonim", "kesehatan", "", api.IdentityAnonim},
		{"given identity wins", "kesehatan", "rahasia", api.IdentityRahasia},
		{"unclear is rahasia", "jalan", "maybe", api.IdentityRahasia},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			form := url.Values{"service_code": {tc.code}, "address_string": {"Jl. Gajah Mada 5"}, "description": {"Uraian"},
				"email": {"Warga.Satu@example.org"}, "account_id": {"u-991"}, "device_id": {"dev-1"},
				"first_name": {"Rina"}, "phone": {"081211112222"}, "media_url": {"https://img.example.org/a.jpg"}}
			if tc.identity != "" {
				form.Set("attribute[identity]", tc.identity)
			}
			a, out := c.post(form)
			c.want(a, 201)
			r, err := e.svc.Get(ctx, string(out[0].ServiceRequestID))
			if err != nil {
				t.Fatal(err)
			}
			if r.Identity != tc.want || r.Contact.Email != "Warga.Satu@example.org" || r.Contact.AccountID != "u-991" ||
				r.Contact.Name != "Rina" || r.Filer != api.FilerOf("key-b") || r.Filer == "" || strings.Contains(r.Filer, "key-b") {
				t.Errorf("stored identity %s, contact %+v, filer %q", r.Identity, r.Contact, r.Filer)
			}
			var note string
			for _, ev := range r.Timeline {
				if ev.Kind == api.EventInternalNote {
					note = ev.Text
				}
			}
			if !strings.Contains(note, "https://img.example.org/a.jpg") {
				t.Errorf("media_url not kept for the admins: %+v", r.Timeline)
			}
			agency := r.AgencyView()
			if (agency.Contact.Email != "") != (tc.want == api.IdentityPublic) {
				t.Errorf("identity %s: the agency sees e-mail %q", tc.want, agency.Contact.Email)
			}
			if tc.want == api.IdentityRahasia {
				return
			}
			a, got := c.get(r.Number, nil)
			c.want(a, 200)
			raw, _ := json.Marshal(got)
			for _, leak := range []string{"Warga.Satu", "u-991", "dev-1", "Rina", "081211112222", "img.example.org"} {
				if strings.Contains(string(a.body)+string(raw), leak) {
					t.Errorf("the public view shows %q", leak)
				}
			}
		})
	}
}

// jurisdiction_id: the configured one (any case) or none is served; another
// is 404 on every endpoint; with none configured, any is accepted.
func TestOpen311Jurisdiction(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 30, 10, 0, 0, 0, wib)}
	e, srv := specServer(t, clk, nil)
	root := srv.URL + api.Open311Root
	paths := []string{"", "/", "/discovery.json", "/services.xml", "/services/jalan.json", "/requests.json", "/requests/SDA-NOPE99.xml"}
	for _, p := range paths {
		for j, want := range map[string]int{"": 200, "sidoarjokab.go.id": 200, "SidoarjoKab.go.id": 200, "surabaya.go.id": 404} {
			if p == "/requests/SDA-NOPE99.xml" && want == 200 {
				want = 404 // no such request, but not for the jurisdiction
			}
			code, _, body := fetch(t, root+p+"?jurisdiction_id="+url.QueryEscape(j))
			if code != want || j == "surabaya.go.id" && !strings.Contains(string(body), "jurisdiction_id") {
				t.Errorf("%s with jurisdiction_id %q: %d, want %d: %s", p, j, code, want, body)
			}
		}
	}
	e.svc.Catalog().Region.JurisdictionID = ""
	if code, _, body := fetch(t, root+"/services.json?jurisdiction_id=anything.example"); code != 200 {
		t.Errorf("no jurisdiction configured: %d %s", code, body)
	}
}
