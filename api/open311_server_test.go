package api_test

import (
	"github.com/aduan-id/aduan/api"

	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api/open311"
)

func newOpen311(t *testing.T) (*env, *echo.Echo) {
	e := newEnv(t)
	ctx := ctxT(t)
	for _, s := range []struct{ n, id string }{{"SDA-PUB311", "public"}, {"SDA-ANO311", "anonim"}, {"SDA-RAH311", "rahasia"}} {
		if err := e.svc.HandleAction(ctx, submitEnv(s.n, "telegram", "chat-secret-77", s.id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Reply(ctx, "SDA-PUB311", "admin1", "Akan diperbaiki minggu ini", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddInternalNote(ctx, "SDA-PUB311", "admin1", "catatan-internal-xyz", ""); err != nil {
		t.Fatal(err)
	}
	ec := echo.New()
	api.Register(ec, e.svc, api.Config{APIKeys: []string{"k1"}})
	return e, ec
}

func do(ec *echo.Echo, method, target string, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	ec.ServeHTTP(rec, req)
	return rec
}

func validPost(key string) url.Values {
	v := url.Values{"service_code": {"sampah"}, "description": {"Sampah tidak diangkut seminggu"},
		"lat": {"-7.44"}, "long": {"112.70"}, "attribute[identity]": {"public"}, "first_name": {"Budi"}}
	if key != "" {
		v.Set("api_key", key)
	}
	return v
}

func TestOpen311Conformance(t *testing.T) {
	_, ec := newOpen311(t)
	noKey := validPost("")
	badService := validPost("k1")
	badService.Set("service_code", "nope")
	noLocation := validPost("k1")
	noLocation.Del("lat")
	noLocation.Del("long")
	badLat := validPost("k1")
	badLat.Set("lat", "north")
	nanLat := validPost("k1")
	nanLat.Set("lat", "NaN")
	infLon := validPost("k1")
	infLon.Set("long", "+Inf")
	tests := []struct {
		name, method, target string
		form                 url.Values
		code                 int
		contains             []string
		absent               []string
	}{
		{"services json", "GET", "/open311/v2/services.json", nil, 200,
			[]string{`"service_code":"jalan"`, `"service_name":"Jalan dan jembatan"`, `"metadata":true`, `"type":"realtime"`}, nil},
		{"services json en", "GET", "/open311/v2/services.json?lang=en", nil, 200, []string{`"Roads and bridges"`}, nil},
		{"services xml", "GET", "/open311/v2/services.xml", nil, 200,
			[]string{"<?xml", "<services><service><service_code>jalan</service_code>"}, nil},
		{"service definition json", "GET", "/open311/v2/services/jalan.json", nil, 200,
			[]string{`"service_code":"jalan"`, `"code":"identity"`, `"datatype":"singlevaluelist"`, `"key":"rahasia"`}, nil},
		{"service definition xml", "GET", "/open311/v2/services/jalan.xml", nil, 200,
			[]string{"<service_definition><service_code>jalan</service_code><attributes><attribute>", "<values><value><key>public</key>"}, nil},
		{"unknown service json", "GET", "/open311/v2/services/nope.json", nil, 404, []string{`[{"code":404,"description":`}, nil},
		{"unknown service xml", "GET", "/open311/v2/services/nope.xml", nil, 404,
			[]string{"<errors><error><code>404</code><description>"}, nil},
		{"bad format", "GET", "/open311/v2/services/jalan.csv", nil, 404, []string{`"code":404`}, nil},
		{"post without api_key", "POST", "/open311/v2/requests.json", noKey, 401, []string{`[{"code":401,"description":"api_key is required`}, nil},
		{"post wrong api_key", "POST", "/open311/v2/requests.json", validPost("k2"), 403, []string{`"code":403`}, nil},
		{"post wrong api_key xml", "POST", "/open311/v2/requests.xml", validPost("k2"), 403, []string{"<errors><error><code>403</code>"}, nil},
		{"post unknown service", "POST", "/open311/v2/requests.json", badService, 400, []string{`"code":400`, "service_code"}, nil},
		{"post without location", "POST", "/open311/v2/requests.json", noLocation, 400, []string{`"code":400`, "location"}, nil},
		{"post bad lat", "POST", "/open311/v2/requests.json", badLat, 400, []string{`"code":400`}, nil},
		{"post NaN lat", "POST", "/open311/v2/requests.json", nanLat, 400, []string{`"code":400`, "WGS84"}, nil},
		{"post infinite long", "POST", "/open311/v2/requests.json", infLon, 400, []string{`"code":400`, "WGS84"}, nil},
		{"list huge page", "GET", "/open311/v2/requests.json?page=9223372036854775807", nil, 400, []string{`"code":400`}, nil},
		{"list page past the cap", "GET", "/open311/v2/requests.json?page=100001", nil, 400, []string{`"code":400`}, nil},
		{"list huge page size", "GET", "/open311/v2/requests.json?page_size=99999999999999999999", nil, 400, []string{`"code":400`}, nil},
		{"list malformed date", "GET", "/open311/v2/requests.json?start_date=yesterday", nil, 400, []string{`"code":400`}, nil},
		{"list window over a year", "GET", "/open311/v2/requests.json?start_date=2020-01-01&end_date=2026-01-01", nil, 400, []string{`"code":400`}, nil},
		{"list hostile service code", "GET", "/open311/v2/requests.json?service_code=%27%3B+drop+table+reports%3B+--", nil, 200, []string{`[]`}, nil},
		{"post json", "POST", "/open311/v2/requests.json", validPost("k1"), 201, []string{`[{"service_request_id":"SDA-`}, nil},
		{"post xml", "POST", "/open311/v2/requests.xml", validPost("k1"), 201,
			[]string{"<service_requests><request><service_request_id>SDA-"}, nil},
		{"list json", "GET", "/open311/v2/requests.json", nil, 200,
			[]string{`"service_request_id":"SDA-PUB311"`, `"service_request_id":"SDA-ANO311"`, `"status":"open"`,
				`"lat":-7.45`, `"status_detail":"received"`, `"lapor_status":"Belum Terverifikasi"`,
				`"channel":"telegram"`, `"replies":[{"text":"Akan diperbaiki minggu ini"`},
			[]string{"SDA-RAH311", "Siti", "0812", "chat-secret-77", "catatan-internal-xyz"}},
		{"list xml", "GET", "/open311/v2/requests.xml", nil, 200,
			[]string{"<service_requests><request><service_request_id>", "<status>open</status>", "SDA-ANO311"},
			[]string{"SDA-RAH311", "Siti", "chat-secret-77"}},
		{"list by ids", "GET", "/open311/v2/requests.json?service_request_id=SDA-RAH311,SDA-PUB311,SDA-NOPE00", nil, 200,
			[]string{"SDA-PUB311"}, []string{"SDA-RAH311", "SDA-ANO311", "NOPE"}},
		{"list by service", "GET", "/open311/v2/requests.json?service_code=sampah", nil, 200, []string{`"service_code":"sampah"`}, []string{`"jalan"`}},
		{"list closed", "GET", "/open311/v2/requests.json?status=closed", nil, 200, []string{`[]`}, nil},
		{"list bad status", "GET", "/open311/v2/requests.json?status=pending", nil, 400, []string{`"code":400`}, nil},
		{"list bad date", "GET", "/open311/v2/requests.json?start_date=yesterday", nil, 400, []string{"start_date"}, nil},
		{"list future window", "GET", "/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z", nil, 200, []string{`[]`}, nil},
		{"list reversed window", "GET", "/open311/v2/requests.json?start_date=2026-01-02&end_date=2026-01-01", nil, 400, nil, nil},
		{"list bad page", "GET", "/open311/v2/requests.json?page=0", nil, 400, []string{"page"}, nil},
		{"get json", "GET", "/open311/v2/requests/SDA-PUB311.json", nil, 200,
			[]string{`[{"service_request_id":"SDA-PUB311"`, `"agency_responsible":"Dinas Pekerjaan Umum`},
			[]string{"catatan-internal-xyz", "chat-secret-77", "Siti"}},
		{"get xml", "GET", "/open311/v2/requests/SDA-ANO311.xml", nil, 200,
			[]string{"<service_requests><request><service_request_id>SDA-ANO311</service_request_id>", "<identity>anonim</identity>"},
			[]string{"Siti", "0812"}},
		{"get rahasia", "GET", "/open311/v2/requests/SDA-RAH311.json", nil, 404, []string{`"code":404`}, []string{"Jalan"}},
		{"get unknown", "GET", "/open311/v2/requests/SDA-NOPE00.json", nil, 404, []string{`"code":404`}, nil},
		{"get unknown xml", "GET", "/open311/v2/requests/SDA-NOPE00.xml", nil, 404, []string{"<errors><error><code>404</code>"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(ec, tc.method, tc.target, tc.form, nil)
			body := rec.Body.String()
			if rec.Code != tc.code {
				t.Fatalf("code = %d, want %d; body %s", rec.Code, tc.code, body)
			}
			ct := rec.Header().Get("Content-Type")
			if strings.Contains(tc.target, ".xml") && !strings.HasPrefix(ct, "text/xml") ||
				strings.Contains(tc.target, ".json") && !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q for %s", ct, tc.target)
			}
			for _, w := range tc.contains {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q: %s", w, body)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(body, w) {
					t.Errorf("body leaks %q: %s", w, body)
				}
			}
			if strings.HasSuffix(strings.SplitN(tc.target, "?", 2)[0], ".xml") {
				dec := xml.NewDecoder(strings.NewReader(body))
				for {
					_, err := dec.Token()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatalf("not well-formed XML: %v", err)
					}
				}
			}
		})
	}
}

func TestOpen311PostIdempotentAndPaging(t *testing.T) {
	e, ec := newOpen311(t)
	key := map[string]string{"Idempotency-Key": "back-office-42"}
	var ids []string
	for range 2 {
		rec := do(ec, "POST", "/open311/v2/requests.json", validPost("k1"), key)
		var out []open311.Created
		if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out) != 1 {
			t.Fatalf("post: %d %s", rec.Code, rec.Body)
		}
		ids = append(ids, out[0].ServiceRequestID)
	}
	if ids[0] != ids[1] {
		t.Fatalf("repeat with the same Idempotency-Key created %s and %s", ids[0], ids[1])
	}
	r, err := e.svc.Get(ctxT(t), ids[0])
	if err != nil || r.Source != api.SourceAPI || r.Contact.Name != "Budi" || r.Identity != api.IdentityPublic {
		t.Fatalf("created report %+v (%v)", r, err)
	}
	// 3 public: SDA-PUB311, SDA-ANO311, the posted one. Newest first, 2 a page.
	pages := map[string]int{"page=1&page_size=2": 2, "page=2&page_size=2": 1, "page=3&page_size=2": 0}
	seen := map[string]bool{}
	for q, want := range pages {
		rec := do(ec, "GET", "/open311/v2/requests.json?"+q, nil, nil)
		var list []open311.Request
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list) != want {
			t.Fatalf("%s: %d requests (%v), want %d: %s", q, len(list), err, want, rec.Body)
		}
		for _, r := range list {
			if seen[r.ServiceRequestID] {
				t.Fatalf("%s repeated across pages", r.ServiceRequestID)
			}
			seen[r.ServiceRequestID] = true
		}
	}
	if len(seen) != 3 {
		t.Fatalf("pages hold %d distinct requests, want 3", len(seen))
	}
	rec := do(ec, "GET", "/open311/v2/requests.json?page_size=1", nil, nil)
	var first []open311.Request
	_ = json.Unmarshal(rec.Body.Bytes(), &first)
	if len(first) != 1 || first[0].ServiceRequestID != ids[0] {
		t.Fatalf("newest first: got %+v, want %s", first, ids[0])
	}
}

func TestOpen311PostBodyLimit(t *testing.T) {
	_, ec := newOpen311(t)
	big := validPost("k1")
	big.Set("description", strings.Repeat("a", api.MaxOpen311Body+10))
	rec := do(ec, "POST", "/open311/v2/requests.json", big, nil)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), `"code":413`) {
		t.Fatalf("big body: %d %s", rec.Code, rec.Body)
	}
}
