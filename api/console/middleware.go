package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

const (
	sessionCookie = "aduan_console"
	ctxAccount    = "console.account"
	ctxLang       = "console.lang"
)

// securityHeaders sets the headers every console page gets: no framing, no
// inline scripts (only the console's own static file), no caching of pages holding personal data, no referrer
// leaking a report number to OpenStreetMap. It also picks the language.
func (c *Console) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		h := ec.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if !strings.HasPrefix(ec.Request().URL.Path, "/console/static/") {
			h.Set("Cache-Control", "no-store")
		}
		ec.Set(ctxLang, languageOf(ec, c.secure(ec)))
		return next(ec)
	}
}

// maxBody bounds a console request body: forms are small.
const maxBody = 64 << 10

// bodyLimit refuses bodies over maxBody with 413 (not a truncated 400):
// at once when Content-Length says so, else when the form is parsed.
func (c *Console) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		req := ec.Request()
		if req.ContentLength > maxBody {
			return c.renderError(ec, http.StatusRequestEntityTooLarge)
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(ec.Response(), req.Body, maxBody)
			if req.Method == http.MethodPost {
				if err := req.ParseForm(); err != nil {
					var tooBig *http.MaxBytesError
					if errors.As(err, &tooBig) {
						return c.renderError(ec, http.StatusRequestEntityTooLarge)
					}
					return c.renderError(ec, http.StatusBadRequest)
				}
			}
		}
		return next(ec)
	}
}

// crossOrigin rejects cross-site state changes (403) with Go's
// http.CrossOriginProtection: it reads Sec-Fetch-Site (all browsers since
// 2023) or compares Origin with Host, needs no token in forms and no server
// state, and lets safe methods (GET, HEAD, OPTIONS) through — which is why no
// console GET changes anything.
func (c *Console) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		if err := c.cop.Check(ec.Request()); err != nil {
			c.log.Warn("console: cross-origin request refused", "path", ec.Path(), "ip", ec.RealIP())
			return c.renderError(ec, http.StatusForbidden)
		}
		return next(ec)
	}
}

// requireLogin loads the session and the account behind it. Without a valid
// session a GET is redirected to the login page (coming back afterwards);
// anything else is redirected to the login page too, without doing it.
func (c *Console) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		ctx := ec.Request().Context()
		ck, err := ec.Cookie(sessionCookie)
		if err != nil {
			return c.toLogin(ec, false)
		}
		s, err := c.sessions.touch(ctx, ck.Value)
		if errors.Is(err, errNoSession) {
			return c.toLogin(ec, true)
		}
		if err != nil {
			c.log.Error("console: load session", "err", err)
			return c.renderError(ec, http.StatusInternalServerError)
		}
		a, err := c.accounts.Get(ctx, s.Email)
		if errors.Is(err, ErrNoAccount) || (err == nil && a.Disabled) {
			_ = c.sessions.destroy(ctx, ck.Value)
			return c.toLogin(ec, true)
		}
		if err != nil {
			c.log.Error("console: load account", "err", err)
			return c.renderError(ec, http.StatusInternalServerError)
		}
		ec.Set(ctxAccount, a)
		return next(ec)
	}
}

func (c *Console) toLogin(ec echo.Context, expired bool) error {
	q := url.Values{}
	if ec.Request().Method == http.MethodGet {
		q.Set("next", ec.Request().URL.RequestURI())
	}
	if expired {
		q.Set("expired", "1")
	}
	target := "/console/login"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	return ec.Redirect(http.StatusSeeOther, target)
}

// requireWrite refuses viewers (403).
func (c *Console) requireWrite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		if !account(ec).CanWrite() {
			c.denied(ec, "write")
			return c.renderError(ec, http.StatusForbidden)
		}
		return next(ec)
	}
}

// requireRole refuses everyone but role (403).
func (c *Console) requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(ec echo.Context) error {
			if account(ec).Role != role {
				c.denied(ec, "role "+role)
				return c.renderError(ec, http.StatusForbidden)
			}
			return next(ec)
		}
	}
}

func (c *Console) denied(ec echo.Context, what string) {
	c.auditf(ec, AuditDenied, ec.Param("number"), ec.Request().Method+" "+ec.Path()+" needs "+what)
}

func account(ec echo.Context) Account {
	a, _ := ec.Get(ctxAccount).(Account)
	return a
}

func lang(ec echo.Context) tr {
	t, ok := ec.Get(ctxLang).(tr)
	if !ok {
		return tr{langID}
	}
	return t
}

// secure reports whether cookies must be Secure for this request.
func (c *Console) secure(ec echo.Context) bool {
	return c.cfg.SecureCookies || ec.Request().TLS != nil
}

// auditf appends to the audit log; a failure is logged, not shown.
func (c *Console) auditf(ec echo.Context, action, target, detail string) {
	e := AuditEntry{Actor: account(ec).Email, Action: action, Target: target, Detail: detail, IP: ec.RealIP()}
	if err := c.audit.add(ec.Request().Context(), e); err != nil {
		c.log.Error("console: audit", "action", action, "err", err)
	}
}
