package console

import (
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
)

type auditData struct {
	Entries       []AuditEntry
	Actor, Action string
	Target        string
	MoreURL       string
	RetentionDays int
	Actions       []string
}

var streamID = regexp.MustCompile(`^[0-9]{1,20}-[0-9]{1,20}$`)

var auditActions = []string{AuditLogin, AuditLoginFailed, AuditLoginBlocked, AuditLogout, AuditView, AuditReveal,
	AuditPhoto, AuditReply, AuditAsk, AuditStatus, AuditNote, AuditReassign, AuditRetry, AuditDenied}

// auditPage lists the audit log, newest first, filtered by who, what and
// which report (supervisors only).
func (c *Console) auditPage(ec echo.Context) error {
	before := ec.QueryParam("before")
	if before != "" && !streamID.MatchString(before) {
		return c.renderError(ec, http.StatusBadRequest)
	}
	d := auditData{
		Actor: NormalizeEmail(ec.QueryParam("actor")), Action: ec.QueryParam("action"), Target: ec.QueryParam("target"),
		RetentionDays: int(c.cfg.AuditRetention / (24 * time.Hour)), Actions: auditActions,
	}
	entries, next, err := c.audit.list(ec.Request().Context(), before, 100, d.Actor, d.Action, d.Target)
	if err != nil {
		c.log.Error("console: audit page", "err", err)
		return c.renderError(ec, http.StatusInternalServerError)
	}
	for i := range entries {
		entries[i].At = entries[i].At.In(c.cfg.Location)
	}
	d.Entries = entries
	if next != "" {
		u := url.Values{"before": {next}}
		for k, v := range map[string]string{"actor": d.Actor, "action": d.Action, "target": d.Target} {
			if v != "" {
				u.Set(k, v)
			}
		}
		d.MoreURL = "?" + u.Encode()
	}
	return c.render(ec, http.StatusOK, "audit.html", d)
}
