package api_test

// A held-in Open311 client, written from the text of the GeoReport v2
// specification (wiki.open311.org/GeoReport_v2 and /Service_Discovery) and
// not from this package's server code: its own types (field names, XML
// element names, roots), its own tolerance (the spec's JSON examples give
// ids as numbers, a client must take either), its own checks of what the spec
// says must hold. It walks discovery → services → definition → POST → GET by
// id → GET list with every filter, in JSON and in XML, against the real
// server (echo, SQLite, Redis), and checks that the two formats agree.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

// --- the client, from the spec ----------------------------------------------

// flex is a spec value a server may send as a JSON string, number or null
// ("service_request_id":638344 in the spec's own example).
type flex string

func (f *flex) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flex(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	*f = flex(n.String())
	return nil
}

// "All fields are required" in a discovery file.
type specDiscovery struct {
	XMLName    xml.Name       `json:"-" xml:"discovery"`
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []specEndpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type specEndpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type specServices struct {
	XMLName  xml.Name      `xml:"services"`
	Services []specService `xml:"service"`
}

type specService struct {
	ServiceCode flex   `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type specDefinition struct {
	XMLName     xml.Name        `json:"-" xml:"service_definition"`
	ServiceCode flex            `json:"service_code" xml:"service_code"`
	Attributes  []specAttribute `json:"attributes" xml:"attributes>attribute"`
}

type specAttribute struct {
	Variable            bool        `json:"variable" xml:"variable"`
	Code                flex        `json:"code" xml:"code"`
	Datatype            string      `json:"datatype" xml:"datatype"`
	Required            bool        `json:"required" xml:"required"`
	DatatypeDescription string      `json:"datatype_description" xml:"datatype_description"`
	Order               int         `json:"order" xml:"order"`
	Description         string      `json:"description" xml:"description"`
	Values              []specValue `json:"values" xml:"values>value"`
}

type specValue struct {
	Key  flex   `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// specRequests is the root of POST's answer and of both GETs of requests.
type specRequests struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []specRequest `xml:"request"`
}

// specRequest holds the fields of all three answers (POST: id, token,
// service_notice, account_id).
type specRequest struct {
	ServiceRequestID  flex     `json:"service_request_id" xml:"service_request_id"`
	Token             flex     `json:"token" xml:"token"`
	AccountID         flex     `json:"account_id" xml:"account_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       flex     `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         flex     `json:"address_id" xml:"address_id"`
	Zipcode           flex     `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

type specErrors struct {
	XMLName xml.Name    `xml:"errors"`
	Errors  []specError `xml:"error"`
}

type specError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// specClient speaks GeoReport v2 in one format ("json" or "xml").
type specClient struct {
	t            *testing.T
	root         string // the endpoint URL, from discovery
	format       string
	jurisdiction string
	apiKey       string
}

// answer is one HTTP exchange: its status and body.
type answer struct {
	code int
	body []byte
}

func (c *specClient) do(method, target string, form url.Values) answer {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		// "POST Service Request: Content-Type: application/x-www-form-urlencoded; charset=utf-8"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	// "XML: Content-Type: text/xml; charset=utf-8", "JSON: Content-Type: application/json"
	ct := resp.Header.Get("Content-Type")
	want := map[string]string{"xml": "text/xml", "json": "application/json"}[c.format]
	if !strings.HasPrefix(ct, want) {
		c.t.Errorf("%s %s: Content-Type %q, want %s", method, target, ct, want)
	}
	if c.format == "xml" {
		// "the root element must be preceded with the XML declaration
		// including the encoding="UTF-8" attribute"
		if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			c.t.Errorf("%s %s: no XML declaration with encoding UTF-8: %.80s", method, target, b)
		}
	}
	return answer{resp.StatusCode, b}
}

// decode reads an answer of the client's format into v.
func (c *specClient) decode(a answer, v any) {
	c.t.Helper()
	var err error
	if c.format == "xml" {
		err = xml.Unmarshal(a.body, v)
	} else {
		err = json.Unmarshal(a.body, v)
	}
	if err != nil {
		c.t.Fatalf("decode %s %T: %v\n%s", c.format, v, err, a.body)
	}
}

// url is root/path.format?query with jurisdiction_id added.
func (c *specClient) url(path string, q url.Values) string {
	q = cloneQuery(q)
	if c.jurisdiction != "" && q.Get("jurisdiction_id") == "" {
		q.Set("jurisdiction_id", c.jurisdiction)
	}
	u := c.root + "/" + path + "." + c.format
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (c *specClient) services() []specService {
	c.t.Helper()
	a := c.do("GET", c.url("services", nil), nil)
	c.want(a, 200)
	if c.format == "xml" {
		var s specServices
		c.decode(a, &s)
		return s.Services
	}
	var s []specService
	c.decode(a, &s)
	return s
}

func (c *specClient) definition(code string) specDefinition {
	c.t.Helper()
	a := c.do("GET", c.url("services/"+url.PathEscape(code), nil), nil)
	c.want(a, 200)
	var d specDefinition
	c.decode(a, &d)
	return d
}

func (c *specClient) requestsOf(a answer) []specRequest {
	c.t.Helper()
	if c.format == "xml" {
		var r specRequests
		c.decode(a, &r)
		return r.Requests
	}
	var r []specRequest
	c.decode(a, &r)
	return r
}

func (c *specClient) post(form url.Values) (answer, []specRequest) {
	c.t.Helper()
	form = cloneQuery(form)
	if c.apiKey != "" {
		form.Set("api_key", c.apiKey)
	}
	if c.jurisdiction != "" {
		form.Set("jurisdiction_id", c.jurisdiction)
	}
	a := c.do("POST", c.root+"/requests."+c.format, form)
	if a.code != http.StatusCreated && a.code != http.StatusOK {
		return a, nil
	}
	return a, c.requestsOf(a)
}

func (c *specClient) get(id string, q url.Values) (answer, []specRequest) {
	c.t.Helper()
	a := c.do("GET", c.url("requests/"+url.PathEscape(id), q), nil)
	if a.code != 200 {
		return a, nil
	}
	return a, c.requestsOf(a)
}

func (c *specClient) list(rawQuery string) (answer, []specRequest) {
	c.t.Helper()
	u := c.url("requests", nil)
	if rawQuery != "" {
		u += "&" + rawQuery
	}
	a := c.do("GET", u, nil)
	if a.code != 200 {
		return a, nil
	}
	return a, c.requestsOf(a)
}

// errorsOf reads an error answer: the spec's list of code and description.
func (c *specClient) errorsOf(a answer) []specError {
	c.t.Helper()
	if c.format == "xml" {
		var e specErrors
		c.decode(a, &e)
		return e.Errors
	}
	var e []specError
	c.decode(a, &e)
	return e
}

// wantError checks an error answer: the status, and an error list whose
// first code is that status, with a description.
func (c *specClient) wantError(a answer, code int) {
	c.t.Helper()
	if a.code != code {
		c.t.Errorf("status %d, want %d: %s", a.code, code, a.body)
		return
	}
	errs := c.errorsOf(a)
	if len(errs) == 0 || errs[0].Code != code || errs[0].Description == "" {
		c.t.Errorf("error list %+v, want code %d with a description", errs, code)
	}
}

func (c *specClient) want(a answer, code int) {
	c.t.Helper()
	if a.code != code {
		c.t.Fatalf("status %d, want %d: %s", a.code, code, a.body)
	}
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// w3c parses a datetime as the spec requires it: "a common subset of ISO
// 8601 as per the w3 note", timezone information (Z or an offset) included.
func w3c(t *testing.T, field, v string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00"} {
		if ts, err := time.Parse(layout, v); err == nil {
			return ts
		}
	}
	t.Errorf("%s %q is not a W3C datetime with a time zone", field, v)
	return time.Time{}
}

// --- the server under test -----------------------------------------------------

// clock is the service's clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var wib = time.FixedZone("WIB", 7*3600)

const jurisdiction = "sidoarjokab.go.id" // flows/defaults/services.yaml

// specServer is the Open311 server on a real database and Redis, behind a
// real HTTP listener; cfg gets the listener's URL as PublicURL.
func specServer(t *testing.T, clk *clock, mutate func(*api.Config)) (*env, *httptest.Server) {
	t.Helper()
	e := newEnv(t, api.WithClock(clk.now))
	ec := echo.New()
	srv := httptest.NewServer(ec)
	t.Cleanup(srv.Close)
	cfg := api.Config{APIKeys: []string{"key-a", "key-b"}, PublicURL: srv.URL, WebhookSecret: "s3cret"}
	if mutate != nil {
		mutate(&cfg)
	}
	api.Register(ec, e.svc, cfg)
	return e, srv
}

// --- the walk -------------------------------------------------------------------

// seeded is what the test knows of a request it filed.
type seeded struct {
	id     string
	code   string
	closed bool
	at     time.Time
	public bool
}

func TestOpen311HeldInClient(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 16, 9, 0, 0, 0, wib)} // a Monday
	e, srv := specServer(t, clk, nil)
	ctx := ctxT(t)

	// Seed: requests over twelve days, three services, some closed, filed
	// by the client itself; plus chat reports: anonim (listed) and rahasia
	// (never listed).
	setup := &specClient{t: t, root: srv.URL + api.Open311Root, format: "json", jurisdiction: jurisdiction, apiKey: "key-a"}
	var seeds []seeded
	codes := []string{"jalan", "sampah", "banjir", "jalan", "pju", "sampah"}
	for i, code := range codes {
		clk.set(time.Date(2026, 11, 16+2*i, 8+i, 30, 0, 0, wib))
		a, out := setup.post(url.Values{"service_code": {code}, "description": {"Laporan uji " + strconv.Itoa(i)},
			"lat": {"-7.45"}, "long": {"112.71"}})
		setup.want(a, http.StatusCreated)
		s := seeded{id: string(out[0].ServiceRequestID), code: code, at: clk.now(), public: true}
		if i%3 == 1 {
			if err := e.svc.ChangeStatus(ctx, s.id, "admin", api.StatusResolved, "Sudah ditangani", ""); err != nil {
				t.Fatal(err)
			}
			s.closed = true
		}
		seeds = append(seeds, s)
	}
	for i, identity := range []string{"anonim", "rahasia"} {
		clk.set(time.Date(2026, 11, 20, 12+i, 0, 0, 0, wib))
		n := "SDA-CHAT0" + strconv.Itoa(i)
		env := submitEnv(n, "telegram", "chat-secret-1", identity)
		env.At = clk.now()
		if err := e.svc.HandleAction(ctx, env); err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, seeded{id: n, code: "jalan", at: clk.now(), public: identity == "anonim"})
	}
	clk.set(time.Date(2026, 11, 30, 10, 0, 0, 0, wib))

	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			seeds = append(seeds, walk(t, srv.URL, format, clk)...)
		})
	}
	t.Run("filters", func(t *testing.T) {
		filters(t, srv.URL+api.Open311Root, seeds)
	})
}

// walk is the client's journey in one format: discovery, services,
// definition, POST, GET by id, errors, a filer reading back its rahasia
// request. It returns the requests it filed.
func walk(t *testing.T, base, format string, clk *clock) []seeded {
	var filed []seeded
	c := &specClient{t: t, format: format, jurisdiction: jurisdiction}

	// 1. Service discovery: base/open311/v2/discovery.<format>.
	c.root = base + api.Open311Root
	a := c.do("GET", c.root+"/discovery."+format, nil)
	c.want(a, 200)
	var d specDiscovery
	c.decode(a, &d)
	if d.Changeset == "" || d.Contact == "" || d.KeyService == "" || len(d.Endpoints) == 0 {
		t.Fatalf("discovery lacks a required field: %+v", d)
	}
	var ep *specEndpoint
	for i := range d.Endpoints {
		if d.Endpoints[i].Specification == "http://wiki.open311.org/GeoReport_v2" && d.Endpoints[i].Type == "production" {
			ep = &d.Endpoints[i]
		}
	}
	if ep == nil || !slices.Contains(ep.Formats, "text/xml") || !slices.Contains(ep.Formats, "application/json") ||
		ep.Changeset == "" {
		t.Fatalf("no production GeoReport v2 endpoint with XML and JSON: %+v", d.Endpoints)
	}
	c.root = strings.TrimRight(ep.URL, "/") // from here on, the discovered endpoint

	// 2. Services.
	services := c.services()
	byCode := map[string]specService{}
	for _, s := range services {
		if s.ServiceCode == "" || s.ServiceName == "" || !slices.Contains([]string{"realtime", "batch", "blackbox"}, s.Type) {
			t.Errorf("service %+v: code, name and a type of realtime, batch, blackbox are required", s)
		}
		byCode[string(s.ServiceCode)] = s
	}
	jalan, ok := byCode["jalan"]
	if !ok || len(services) < 5 {
		t.Fatalf("services %v lack jalan", slices.Collect(maps.Keys(byCode)))
	}

	// 3. Definition (metadata true: the client must read it).
	if !jalan.Metadata {
		t.Fatalf("jalan has no metadata; the walk expects a definition")
	}
	def := c.definition("jalan")
	if def.ServiceCode != "jalan" || len(def.Attributes) == 0 {
		t.Fatalf("definition %+v", def)
	}
	orders := map[int]bool{}
	attrs := url.Values{}
	for _, at := range def.Attributes {
		if !slices.Contains([]string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}, at.Datatype) ||
			at.Code == "" || at.Order < 1 || orders[at.Order] {
			t.Errorf("attribute %+v breaks the spec (datatype, code, a positive unique order)", at)
		}
		orders[at.Order] = true
		if strings.HasSuffix(at.Datatype, "valuelist") && len(at.Values) == 0 {
			t.Errorf("attribute %s: a list without values", at.Code)
		}
		if at.Required { // a client answers what is required, with the first value
			if len(at.Values) > 0 {
				attrs.Set("attribute["+string(at.Code)+"]", string(at.Values[0].Key))
			} else {
				attrs.Set("attribute["+string(at.Code)+"]", "1")
			}
		}
	}

	// 4. POST, with every optional argument the spec lists.
	c.apiKey = "key-a"
	form := url.Values{"service_code": {"jalan"}, "lat": {"-7.4478"}, "long": {"112.7183"},
		"address_string": {"Jl. Pahlawan 1, Sidoarjo"}, "email": {"warga@example.org"}, "device_id": {"tt222111"},
		"account_id": {"acct-" + format}, "first_name": {"Budi"}, "last_name": {"Santoso"}, "phone": {"081299990000"},
		"description": {"Lubang <besar> & dalam — di depan \"pasar\"\nbaris kedua"},
		"media_url":   {"http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"}}
	maps.Copy(form, attrs)
	a, created := c.post(form)
	c.want(a, http.StatusCreated)
	if len(created) != 1 || created[0].ServiceRequestID == "" || created[0].Token != "" {
		t.Fatalf("realtime service: want one service_request_id and no token, got %+v", created)
	}
	if created[0].ServiceNotice == "" || created[0].AccountID != flex("acct-"+format) {
		t.Errorf("POST answer lacks service_notice or the account_id: %+v", created[0])
	}
	id := string(created[0].ServiceRequestID)

	// 5. GET by id: no api_key needed, identity defaulted to public.
	c.apiKey = ""
	a, one := c.get(id, nil)
	c.want(a, 200)
	if len(one) != 1 {
		t.Fatalf("GET %s: %d requests", id, len(one))
	}
	r := one[0]
	requested := w3c(t, "requested_datetime", r.RequestedDatetime)
	updated := w3c(t, "updated_datetime", r.UpdatedDatetime)
	expected := w3c(t, "expected_datetime", r.ExpectedDatetime)
	if string(r.ServiceRequestID) != id || r.Status != "open" || r.ServiceCode != "jalan" ||
		r.ServiceName != jalan.ServiceName || r.Description != form.Get("description") ||
		r.Lat == nil || *r.Lat != -7.4478 || r.Long == nil || *r.Long != 112.7183 ||
		r.Address != form.Get("address_string") || r.AgencyResponsible == "" || r.ServiceNotice == "" ||
		!requested.Equal(clk.now()) || updated.Before(requested) || !expected.After(requested) {
		t.Errorf("GET %s: %+v", id, r)
	}
	for _, dt := range []string{r.RequestedDatetime, r.UpdatedDatetime, r.ExpectedDatetime} {
		if !strings.HasSuffix(dt, "+07:00") {
			t.Errorf("datetime %q is not in the region's offset +07:00", dt)
		}
	}
	for _, leak := range []string{"warga@example.org", "Budi", "081299990000", "acct-", "tt222111", "flickr"} {
		if bytes.Contains(a.body, []byte(leak)) {
			t.Errorf("GET %s shows %q: %s", id, leak, a.body)
		}
	}

	filed = append(filed, seeded{id: id, code: "jalan", at: requested, public: true})

	// Errors: each an error list in the format asked for.
	for name, tc := range map[string]struct {
		method, target string
		code           int
	}{
		"another jurisdiction":        {"GET", c.root + "/services." + format + "?jurisdiction_id=surabaya.go.id", 404},
		"another jurisdiction, list":  {"GET", c.root + "/requests." + format + "?jurisdiction_id=surabaya.go.id", 404},
		"another jurisdiction, by id": {"GET", c.root + "/requests/" + id + "." + format + "?jurisdiction_id=x", 404},
		"unknown service":             {"GET", c.url("services/nope", nil), 404},
		"unknown request":             {"GET", c.url("requests/SDA-NOPE99", nil), 404},
		"bad status":                  {"GET", c.url("requests", url.Values{"status": {"open,pending"}}), 400},
		"bad date":                    {"GET", c.url("requests", url.Values{"start_date": {"yesterday"}}), 400},
		"tokens (not offered)":        {"GET", c.url("tokens/123", nil), 404},
		"unknown resource":            {"GET", c.root + "/nothing/here." + format, 404},
		"wrong method":                {"DELETE", c.url("requests", nil), 405},
		"PUT a service":               {"PUT", c.url("services/jalan", nil), 405},
	} {
		t.Run(name, func(t *testing.T) {
			c := *c
			c.t = t
			c.wantError(c.do(tc.method, tc.target, nil), tc.code)
		})
	}
	c.apiKey = "key-a"
	for name, tc := range map[string]struct {
		form url.Values
		key  string
		code int
	}{
		"no api_key":           {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {"y"}}, "-", 401},
		"wrong api_key":        {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {"y"}}, "nope", 403},
		"no service_code":      {url.Values{"address_string": {"x"}, "description": {"y"}}, "", 400},
		"no location":          {url.Values{"service_code": {"jalan"}, "description": {"y"}}, "", 400},
		"4001 characters":      {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {strings.Repeat("é", 4001)}}, "", 400},
		"bad email":            {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {"y"}, "email": {"not an address"}}, "", 400},
		"bad media_url":        {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {"y"}, "media_url": {"javascript:alert(1)"}}, "", 400},
		"another jurisdiction": {url.Values{"service_code": {"jalan"}, "address_string": {"x"}, "description": {"y"}, "jurisdiction_id": {"surabaya.go.id"}}, "", 404},
	} {
		t.Run("POST "+name, func(t *testing.T) {
			c := *c
			c.t = t
			switch tc.key {
			case "-":
				c.apiKey = ""
			case "":
			default:
				c.apiKey = tc.key
			}
			if tc.form.Get("jurisdiction_id") != "" {
				c.jurisdiction = ""
			}
			a, _ := c.post(tc.form)
			c.wantError(a, tc.code)
		})
	}
	// 4,000 characters is the spec's limit, and accepted; address_id is a
	// location of its own.
	a, long := c.post(url.Values{"service_code": {"pju"}, "address_id": {"545483"}, "description": {strings.Repeat("é", 4000)}})
	c.want(a, http.StatusCreated)
	filed = append(filed, seeded{id: string(long[0].ServiceRequestID), code: "pju", at: clk.now(), public: true})

	// A filer always reads back what it filed: a rahasia request is
	// invisible to everyone else, another key included.
	a, secret := c.post(url.Values{"service_code": {"sampah"}, "address_string": {"Jl. Rahasia 1"},
		"description": {"Laporan rahasia"}, "attribute[identity]": {"rahasia"}})
	c.want(a, http.StatusCreated)
	sid := string(secret[0].ServiceRequestID)
	filed = append(filed, seeded{id: sid, code: "sampah", at: clk.now()})
	for _, tc := range []struct {
		key  string
		code int
	}{{"", 404}, {"key-b", 404}, {"key-a", 200}, {"wrong", 403}} {
		q := url.Values{}
		if tc.key != "" {
			q.Set("api_key", tc.key)
		}
		a, list := c.get(sid, q)
		if a.code != tc.code || tc.code == 200 && (len(list) != 1 || string(list[0].ServiceRequestID) != sid) {
			t.Errorf("GET rahasia with api_key %q: %d, want %d: %s", tc.key, a.code, tc.code, a.body)
		}
		a, list = c.list("service_request_id=" + sid + "&" + q.Encode())
		if tc.code != 403 && (len(list) == 1) != (tc.code == 200) {
			t.Errorf("list by id with api_key %q: %d requests (%d)", tc.key, len(list), a.code)
		}
	}
	if _, list := c.list("service_code=sampah"); slices.ContainsFunc(list, func(r specRequest) bool { return string(r.ServiceRequestID) == sid }) {
		t.Error("the rahasia request is in the public list")
	}
	return filed
}

// filters runs GET requests with every filter, in every combination, in
// JSON and in XML, against the seeded requests: each answer must hold
// exactly the requests the filters select, and the two formats must agree.
func filters(t *testing.T, root string, all []seeded) {
	clients := map[string]*specClient{}
	for _, f := range []string{"json", "xml"} {
		clients[f] = &specClient{t: t, root: root, format: f, jurisdiction: jurisdiction}
	}
	// list asks in both formats, compares them and returns the JSON answer.
	list := func(q string) []specRequest {
		t.Helper()
		a, fromJSON := clients["json"].list(q)
		b, fromXML := clients["xml"].list(q)
		if a.code != 200 || b.code != 200 {
			t.Fatalf("GET requests?%s: %d %s / %d %s", q, a.code, a.body, b.code, b.body)
		}
		if (len(fromJSON) > 0 || len(fromXML) > 0) && !reflect.DeepEqual(fromJSON, fromXML) {
			t.Errorf("GET requests?%s: JSON and XML differ:\njson %s\nxml  %s", q, a.body, b.body)
		}
		return fromJSON
	}
	codeFilters := []struct {
		raw   string
		codes []string // nil: any
	}{
		{"", nil},
		{"service_code=jalan", []string{"jalan"}},
		{"service_code=jalan,sampah", []string{"jalan", "sampah"}},
		{"service_code=jalan&service_code=sampah", []string{"jalan", "sampah"}},
		{"service_code=" + url.QueryEscape("banjir, pju"), []string{"banjir", "pju"}},
		{"service_code=nope", []string{}},
	}
	statusFilters := []struct {
		raw          string
		open, closed bool
	}{
		{"", true, true}, {"status=open", true, false}, {"status=closed", false, true},
		{"status=open,closed", true, true}, {"status=closed&status=open", true, true},
	}
	from, to := time.Date(2026, 11, 19, 0, 0, 0, 0, wib), time.Date(2026, 11, 24, 23, 0, 0, 0, wib)
	windows := []struct {
		raw        string
		start, end time.Time
	}{
		{"", time.Time{}, time.Time{}},
		{"start_date=" + url.QueryEscape(from.Format(time.RFC3339)), from, time.Time{}},
		{"end_date=" + url.QueryEscape(to.UTC().Format(time.RFC3339)), time.Time{}, to},
		{"start_date=" + url.QueryEscape(from.Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(to.Format(time.RFC3339)), from, to},
		{"start_date=2026-11-19&end_date=2026-11-25", from, time.Date(2026, 11, 25, 0, 0, 0, 0, wib)},
	}
	combos := 0
	for _, cf := range codeFilters {
		for _, sf := range statusFilters {
			for _, w := range windows {
				q := strings.Join(slices.DeleteFunc([]string{cf.raw, sf.raw, w.raw}, func(s string) bool { return s == "" }), "&")
				got := list(q)
				var want []string
				for _, s := range all {
					if s.public && (cf.codes == nil || slices.Contains(cf.codes, s.code)) &&
						(s.closed && sf.closed || !s.closed && sf.open) &&
						(w.start.IsZero() || !s.at.Before(w.start)) && (w.end.IsZero() || !s.at.After(w.end)) {
						want = append(want, s.id)
					}
				}
				checkList(t, q, got, want, all)
				combos++
			}
		}
	}
	if combos != len(codeFilters)*len(statusFilters)*len(windows) {
		t.Errorf("%d filter combinations run", combos)
	}

	// service_request_id: a comma list, or repeated; it overrides every
	// other argument; rahasia and unknown ids are simply absent.
	idq := "service_request_id=" + url.QueryEscape(all[0].id+","+all[1].id+",SDA-CHAT01,SDA-NOPE99")
	for _, q := range []string{
		idq,
		"service_request_id=" + all[0].id + "&service_request_id=" + all[1].id + "&service_request_id=SDA-CHAT01",
		idq + "&service_code=pju&status=open&start_date=2030-01-01T00:00:00Z",
	} {
		checkList(t, q, list(q), []string{all[0].id, all[1].id}, all)
	}

}

// checkList compares a list answer with the ids wanted: the same set, newest
// first (the order Aduan promises), each datetime in +07:00, closed ones
// closed.
func checkList(t *testing.T, q string, list []specRequest, want []string, all []seeded) {
	t.Helper()
	var ids []string
	for _, r := range list {
		ids = append(ids, string(r.ServiceRequestID))
		if !strings.HasSuffix(r.RequestedDatetime, "+07:00") {
			t.Errorf("%s: requested_datetime %q", q, r.RequestedDatetime)
		}
		for _, s := range all {
			if s.id == string(r.ServiceRequestID) {
				if (r.Status == "closed") != s.closed {
					t.Errorf("%s: %s has status %s", q, s.id, r.Status)
				}
				if (r.ExpectedDatetime != "") == s.closed {
					t.Errorf("%s: %s (closed %v) expected_datetime %q", q, s.id, s.closed, r.ExpectedDatetime)
				}
			}
		}
	}
	if !sameSet(ids, want) {
		t.Errorf("GET requests?%s: %v, want %v", q, ids, want)
	}
	times := make([]time.Time, len(list))
	for i, r := range list {
		times[i] = w3c(t, "requested_datetime", r.RequestedDatetime)
	}
	if !slices.IsSortedFunc(times, func(a, b time.Time) int { return b.Compare(a) }) {
		t.Errorf("%s: not newest first: %v", q, ids)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
