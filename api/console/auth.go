package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

type loginData struct {
	Email   string
	Next    string
	Error   string
	Expired bool
}

func (c *Console) loginForm(ec echo.Context) error {
	return c.render(ec, http.StatusOK, "login.html", loginData{
		Next: safeNext(ec.QueryParam("next")), Expired: ec.QueryParam("expired") != "",
	})
}

// loginSubmit checks the lockout first (per account and per client address),
// then the password. Every outcome is audit-logged; the password never is.
func (c *Console) loginSubmit(ec echo.Context) error {
	ctx := ec.Request().Context()
	t := lang(ec)
	email := NormalizeEmail(ec.FormValue("email"))
	if len(email) > 254 {
		email = email[:254]
	}
	password := ec.FormValue("password")
	ip := ec.RealIP()
	data := loginData{Email: email, Next: safeNext(ec.FormValue("next"))}

	blocked, wait, err := c.limiter.blocked(ctx, email, ip)
	if err != nil {
		c.log.Error("console: login limiter", "err", err)
		return c.renderError(ec, http.StatusInternalServerError)
	}
	if blocked {
		if err := c.audit.add(ctx, AuditEntry{Actor: email, Action: AuditLoginBlocked, IP: ip}); err != nil {
			c.log.Error("console: audit", "err", err)
		}
		ec.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		data.Error = t.Tf("login.blocked", int(wait.Round(time.Minute).Minutes())+1)
		return c.render(ec, http.StatusTooManyRequests, "login.html", data)
	}

	a, err := c.accounts.Authenticate(ctx, email, password)
	if errors.Is(err, ErrNoAccount) {
		if err := c.limiter.fail(ctx, email, ip); err != nil {
			c.log.Error("console: login limiter", "err", err)
		}
		if err := c.audit.add(ctx, AuditEntry{Actor: email, Action: AuditLoginFailed, IP: ip}); err != nil {
			c.log.Error("console: audit", "err", err)
		}
		data.Error = t.T("login.failed")
		return c.render(ec, http.StatusUnauthorized, "login.html", data)
	}
	if err != nil {
		c.log.Error("console: login", "err", err)
		return c.renderError(ec, http.StatusInternalServerError)
	}
	if err := c.limiter.succeed(ctx, a.Email); err != nil {
		c.log.Error("console: login limiter", "err", err)
	}
	token, err := c.sessions.create(ctx, a.Email)
	if err != nil {
		c.log.Error("console: login", "err", err)
		return c.renderError(ec, http.StatusInternalServerError)
	}
	ec.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/console",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.secure(ec),
	})
	ec.Set(ctxAccount, a)
	c.auditf(ec, AuditLogin, "", a.Role)
	next := data.Next
	if next == "" {
		next = "/console/inbox"
	}
	return ec.Redirect(http.StatusSeeOther, next)
}

func (c *Console) logout(ec echo.Context) error {
	if ck, err := ec.Cookie(sessionCookie); err == nil {
		ctx := ec.Request().Context()
		if s, err := c.sessions.touch(ctx, ck.Value); err == nil {
			if err := c.audit.add(ctx, AuditEntry{Actor: s.Email, Action: AuditLogout, IP: ec.RealIP()}); err != nil {
				c.log.Error("console: audit", "err", err)
			}
		}
		if err := c.sessions.destroy(ctx, ck.Value); err != nil {
			c.log.Error("console: logout", "err", err)
		}
	}
	ec.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/console", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.secure(ec)})
	return ec.Redirect(http.StatusSeeOther, "/console/login")
}

// safeNext keeps a post-login redirect inside the console (no open redirect).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}
