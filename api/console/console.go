package console

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// Console is the admin web console. Build it with New and mount it with
// Register.
type Console struct {
	cfg      Config
	rdb      redis.UniversalClient
	svc      *api.Service
	catalog  *flows.Catalog
	log      *slog.Logger
	accounts *Accounts
	sessions *sessions
	limiter  *loginLimiter
	audit    *auditLog
	cal      *Calendar
	views    *views
	cop      *http.CrossOriginProtection
	ip       echo.IPExtractor
	alerts   *AlertsConfig // nil until EnableAlerts (alerts_link.go)
}

// New builds the console. It panics on a configuration error that
// ValidateConfig would have reported (bad CIDR, bad holiday date): cmd/aduan
// calls ValidateConfig (or ConfigFromEnv) first and exits with the message.
func New(cfg Config, rdb redis.UniversalClient, svc *api.Service, catalog *flows.Catalog, log *slog.Logger) *Console {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if catalog == nil {
		catalog = &flows.Catalog{}
	}
	ipx, err := IPExtractor(cfg.TrustedProxies)
	if err != nil {
		panic(fmt.Sprintf("console: %v", err))
	}
	cal, err := NewCalendar(cfg.Location, cfg.Holidays)
	if err != nil {
		panic(fmt.Sprintf("console: %v", err))
	}
	return &Console{
		cfg: cfg, rdb: rdb, svc: svc, catalog: catalog, log: log,
		accounts: NewAccounts(rdb, cfg.Prefix),
		sessions: &sessions{rdb: rdb, prefix: cfg.Prefix, idle: cfg.IdleTimeout, maxAge: cfg.MaxSessionAge, now: cfg.Now},
		limiter:  &loginLimiter{rdb: rdb, prefix: cfg.Prefix, max: int64(cfg.LoginMaxFailures), window: cfg.LoginWindow},
		audit:    &auditLog{rdb: rdb, key: cfg.Prefix + ":console:audit", retention: cfg.AuditRetention, now: cfg.Now},
		cal:      cal,
		views:    mustParseViews(),
		cop:      http.NewCrossOriginProtection(),
		ip:       ipx,
	}
}

// ValidateConfig reports the errors New would panic on.
func ValidateConfig(cfg Config) error {
	if _, err := parseCIDRs(cfg.TrustedProxies); err != nil {
		return fmt.Errorf("console config: %w", err)
	}
	if _, err := parseHolidays(cfg.Holidays); err != nil {
		return fmt.Errorf("console config: %w", err)
	}
	return nil
}

// IPExtractor returns how the client address is found: from X-Forwarded-For
// only when the direct peer is in one of the trusted proxy CIDRs (and nothing
// else — no loopback, link-local or private range is trusted by default),
// else the direct peer. A forged X-Forwarded-For from anyone else is ignored,
// so it cannot dodge the login rate limit.
func IPExtractor(trustedProxies []string) (echo.IPExtractor, error) {
	nets, err := parseCIDRs(trustedProxies)
	if err != nil {
		return nil, err
	}
	if len(nets) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// Register mounts the console under /console and redirects / to it. It also
// sets e.IPExtractor to the console's trusted-proxy rule (see IPExtractor),
// so every rate limit on this echo instance sees the same client address.
func (c *Console) Register(e *echo.Echo) {
	e.IPExtractor = c.ip
	e.GET("/", func(ec echo.Context) error { return ec.Redirect(http.StatusSeeOther, "/console/") })

	g := e.Group("/console", c.securityHeaders, c.crossOrigin, c.bodyLimit)
	g.GET("", c.home)
	g.GET("/", c.home)
	g.StaticFS("/static", echo.MustSubFS(webFS, "web/static"))
	g.GET("/login", c.loginForm)
	g.POST("/login", c.loginSubmit)
	g.POST("/logout", c.logout)

	a := g.Group("", c.requireLogin)
	a.GET("/inbox", c.inbox)
	a.GET("/dashboard", c.dashboard)
	a.GET("/export.csv", c.exportCSV)
	a.GET("/reports/:number", c.report)
	a.GET("/reports/:number/photos/:idx", c.photo)
	c.registerPhotoPublish(a)
	a.POST("/reports/:number/reveal", c.reveal, c.requireRole(RoleSupervisor))
	a.POST("/reports/:number/reply", c.reply, c.requireWrite)
	// A question whose answer is threaded into the report; an internal note
	// (never sent to the citizen).
	a.POST("/reports/:number/ask", c.textAction("ask", AuditAsk, "ask.sent", (*api.Service).AskCitizen), c.requireWrite)
	a.POST("/reports/:number/status", c.changeStatus, c.requireWrite)
	a.POST("/reports/:number/note", c.textAction("internal note", AuditNote, "note.saved", (*api.Service).AddInternalNote), c.requireWrite)
	a.POST("/reports/:number/reassign", c.reassign, c.requireRole(RoleSupervisor))
	a.GET("/dead-letters", c.deadLetters, c.requireWrite)
	a.POST("/dead-letters/:id/retry", c.retryDeadLetter, c.requireWrite)
	a.POST("/dead-letters/:id/discard", c.discardDeadLetter, c.requireWrite)
	a.POST("/dead-letters/:id/edit", c.editAndRetryDeadLetter, c.requireWrite)
	a.GET("/audit", c.auditPage, c.requireRole(RoleSupervisor))
	a.GET("/accounts", c.accountsPage, c.requireRole(RoleSupervisor))
	a.GET("/whatsapp", c.whatsappPage, c.requireRole(RoleSupervisor))
	a.POST("/whatsapp/pair", c.startPairing, c.requireRole(RoleSupervisor))
	c.registerAlerts(a)
	a.RouteNotFound("/*", func(ec echo.Context) error { return c.renderError(ec, http.StatusNotFound) })
}

func (c *Console) home(ec echo.Context) error {
	return ec.Redirect(http.StatusSeeOther, "/console/inbox")
}
