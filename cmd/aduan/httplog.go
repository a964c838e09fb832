package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// requestIDHeader carries a request's id: a proxy's is kept, otherwise one
// is made; the answer always carries it.
const requestIDHeader = "X-Request-Id"

type requestIDKey struct{}

// withRequestID is ctx carrying a request id, which the logger adds to every
// record logged with that ctx (logger.InfoContext(ctx, …)).
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts what proxies and tracing systems send (UUIDs, hex,
// base64url) and refuses what could forge a log line or grow it.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.:=+/", r):
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand's documented contract)
	return hex.EncodeToString(b[:])
}

// contextHandler adds the request id of the record's context, if any: a
// handler that logs with the request's context gets it in its lines.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestIDFrom(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(as)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// httpObserver logs one line per HTTP request and measures its duration by
// route and status code.
type httpObserver struct {
	log      *slog.Logger
	duration *prometheus.HistogramVec
}

func newHTTPObserver(log *slog.Logger) *httpObserver {
	return &httpObserver{log: log, duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "aduan_http_request_duration_seconds",
		Help: "HTTP requests by method, route (the registered pattern, not the path) and status code.",
		// Webhooks answer in milliseconds; console exports may take seconds.
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"method", "route", "code"})}
}

// quietRoutes are polled by load balancers and Prometheus every few
// seconds: their lines are at debug level.
var quietRoutes = []string{"/healthz", "/readyz", "/metrics"}

// middleware is the outermost middleware: it gives the request its id (in
// the answer's X-Request-Id and the request's context), lets the rest answer
// (an error is rendered here, so the status logged is the one sent), then
// logs and measures it.
func (o *httpObserver) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		id := req.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(requestIDHeader, id)
		c.SetRequest(req.WithContext(withRequestID(req.Context(), id)))
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched" // one series for every unknown path
		}
		o.duration.WithLabelValues(req.Method, route, strconv.Itoa(status)).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		if slices.Contains(quietRoutes, route) {
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", truncate(req.URL.Path, 200)),
			slog.String("route", route), slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.Int64("bytes", c.Response().Size),
			slog.String("request_id", id)}
		if q := loggedQuery(req.URL.Path, req.URL.RawQuery); q != "" {
			attrs = append(attrs, slog.String("query", q))
		}
		// Not the request's context: the id is already an attribute.
		o.log.LogAttrs(context.Background(), level, "http request", attrs...)
		return nil
	}
}

// publicPrefixes are the routes whose query strings may be logged: public
// Open311 filters and the probes. Everything else — the console (searches
// by name or phone), webhooks, signed media URLs — is logged without its
// query string.
var publicPrefixes = []string{"/open311/", "/healthz", "/readyz", "/metrics"}

// publicParams are the query parameters whose values are logged on public
// routes; others show their name only (api_key, email, account_id,
// device_id… may identify someone or be a secret).
var publicParams = []string{"service_code", "status", "service_request_id", "start_date", "end_date", "jurisdiction_id",
	"page", "page_size", "format", "lang"}

// loggedQuery is what the access log shows of a query string: nothing on a
// sensitive route; on a public one the public parameters' values and the
// other parameters' names.
func loggedQuery(path, raw string) string {
	if raw == "" || !slices.ContainsFunc(publicPrefixes, func(p string) bool { return strings.HasPrefix(path, p) }) {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable)"
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			if slices.Contains(publicParams, k) {
				b.WriteString("=" + url.QueryEscape(v))
			} else {
				b.WriteString("=*")
			}
		}
	}
	return truncate(b.String(), 300)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
