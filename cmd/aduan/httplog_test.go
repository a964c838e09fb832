package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// logLines decodes JSON log lines.
func logLines(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// One access-log line per request, with the request id a handler's own
// log lines carry too, the route pattern, the status sent (also for an
// error and a panic), and no query string where it could hold personal data
// or secrets. The duration histogram counts by route and code.
func TestAccessLogAndRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(contextHandler{slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})})
	obs := newHTTPObserver(log)
	e, err := newHTTPServer(nil, obs)
	if err != nil {
		t.Fatal(err)
	}
	e.GET("/open311/v2/requests/:id", func(c echo.Context) error {
		log.InfoContext(c.Request().Context(), "handler says hello")
		return c.String(http.StatusOK, "ok")
	})
	e.GET("/console/inbox", func(c echo.Context) error { return c.String(http.StatusOK, "inbox") })
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/boom", func(c echo.Context) error { panic("kaboom") })
	e.GET("/teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	e.GET("/fail", func(c echo.Context) error { return errors.New("something broke") })

	tests := []struct {
		name      string
		target    string
		header    string // X-Request-Id sent
		wantID    string // "" : generated
		status    int
		route     string
		query     string // logged; "" : none
		handlerID bool   // the handler logs a line with the id
		quiet     bool   // no info line
	}{
		{name: "id honoured", target: "/open311/v2/requests/SDA-7KQ2MX?service_code=jalan&api_key=s3cret&email=siti%40example.id",
			header: "req-123", wantID: "req-123", status: 200, route: "/open311/v2/requests/:id",
			query: "api_key=*&email=*&service_code=jalan", handlerID: true},
		{name: "forged id replaced", target: "/open311/v2/requests/SDA-7KQ2MX", header: "a\" level=ERROR msg=forged",
			status: 200, route: "/open311/v2/requests/:id", handlerID: true},
		{name: "console: no query", target: "/console/inbox?q=081234567890&name=Siti", status: 200, route: "/console/inbox"},
		{name: "unknown path", target: "/wp-login.php?x=1", status: 404, route: "unmatched"},
		{name: "panic", target: "/boom", status: 500, route: "/boom"},
		{name: "http error", target: "/teapot", status: 418, route: "/teapot"},
		{name: "plain error", target: "/fail", status: 500, route: "/fail"},
		{name: "probe at debug level", target: "/healthz", status: 200, route: "/healthz", quiet: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.header != "" {
				req.Header.Set(requestIDHeader, tt.header)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			id := rec.Header().Get(requestIDHeader)
			if rec.Code != tt.status || id == "" || (tt.wantID != "" && id != tt.wantID) || !validRequestID(id) {
				t.Fatalf("status %d, %s %q; want %d and id %q", rec.Code, requestIDHeader, id, tt.status, tt.wantID)
			}
			lines := logLines(t, &buf)
			var access []map[string]any
			for _, l := range lines {
				switch l["msg"] {
				case "http request":
					access = append(access, l)
				case "handler says hello":
					if l["request_id"] != id {
						t.Errorf("handler line without the request id %q: %v", id, l)
					}
				}
			}
			if tt.quiet {
				if len(access) != 0 {
					t.Errorf("probe logged at info: %v", access)
				}
				return
			}
			if len(access) != 1 {
				t.Fatalf("%d access lines, want 1: %v", len(access), lines)
			}
			l := access[0]
			if l["request_id"] != id || l["route"] != tt.route || l["status"] != float64(tt.status) || l["method"] != "GET" ||
				strings.Contains(l["path"].(string), "?") {
				t.Errorf("access line %v", l)
			}
			if q, _ := l["query"].(string); q != tt.query {
				t.Errorf("query logged %q, want %q", q, tt.query)
			}
			for _, secret := range []string{"s3cret", "siti", "0812", "Siti", "kaboom", "forged"} {
				if strings.Contains(buf.String(), secret) {
					t.Errorf("the log holds %q:\n%s", secret, buf.String())
				}
			}
		})
	}
	// One histogram series per method, route and code, whatever the path.
	reg := prometheus.NewRegistry()
	reg.MustRegister(obs.duration)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 {
		t.Fatalf("gather: %v, %d families", err, len(mfs))
	}
	counts := map[string]uint64{}
	for _, m := range mfs[0].GetMetric() {
		key := ""
		for _, lp := range m.GetLabel() {
			key += lp.GetName() + "=" + lp.GetValue() + " "
		}
		counts[strings.TrimSpace(key)] = m.GetHistogram().GetSampleCount()
	}
	for key, want := range map[string]uint64{
		"code=200 method=GET route=/open311/v2/requests/:id": 2,
		"code=404 method=GET route=unmatched":                1,
		"code=500 method=GET route=/boom":                    1,
		"code=200 method=GET route=/healthz":                 1,
	} {
		if counts[key] != want {
			t.Errorf("%s: %d requests, want %d (all: %v)", key, counts[key], want, counts)
		}
	}
	if len(counts) != 7 {
		t.Errorf("%d series, want 7: %v", len(counts), counts)
	}
}

// validRequestID takes what proxies send and refuses what could forge a log
// line or grow it without bound.
func TestValidRequestID(t *testing.T) {
	for id, want := range map[string]bool{
		"f47ac10b-58cc-4372-a567-0e02b2c3d479": true, "0123abcd": true, "Root=1-5759e988-bd862e3fe1be46a994272793": true,
		"": false, strings.Repeat("a", 129): false, "a b": false, "a\nb": false, `a"b`: false, "ä": false,
	} {
		if got := validRequestID(id); got != want {
			t.Errorf("validRequestID(%q) = %v, want %v", id, got, want)
		}
	}
}
