package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

// maxText bounds what an admin may send in one reply, question or note.
const maxText = 4000

// formText reads a trimmed form field; ok is false when it is empty or too long.
func formText(ec echo.Context, name string) (string, bool) {
	v := strings.TrimSpace(ec.FormValue(name))
	return v, v != "" && len([]rune(v)) <= maxText
}

// requestID is the form's one-time id (rendered into every report form), so
// the same form submitted twice — a double click, a browser retry after a
// dropped connection — changes the report once and tells the citizen once.
func requestID(ec echo.Context) string {
	v := strings.TrimSpace(ec.FormValue("rid"))
	if len(v) > 64 {
		return ""
	}
	return account(ec).Email + ":" + v
}

// done redirects back to the report with a flash message (POST-redirect-GET).
func done(ec echo.Context, number, flash string) error {
	return ec.Redirect(http.StatusSeeOther, "/console/reports/"+url.PathEscape(number)+"?ok="+url.QueryEscape(flash))
}

// reply sends an admin's reply to the citizen (typed, or a canned reply).
func (c *Console) reply(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	text, ok := formText(ec, "text")
	if strings.TrimSpace(ec.FormValue("text")) == "" {
		if i, err := strconv.Atoi(ec.FormValue("canned")); err == nil && i >= 0 && i < len(c.cfg.CannedReplies) {
			text, ok = c.cfg.CannedReplies[i], true
		}
	}
	if !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if err := c.svc.Reply(ec.Request().Context(), r.Number, account(ec).Email, text, requestID(ec)); err != nil {
		return c.serviceError(ec, "reply", err)
	}
	c.auditf(ec, AuditReply, r.Number, "")
	return done(ec, r.Number, "reply.sent")
}

// textAction is a handler that sends one typed text about a report through
// the service (a question to the citizen, an internal note), audits it and
// returns to the report.
func (c *Console) textAction(what, audit, flash string, call func(svc *api.Service, ctx context.Context, number, actor, text, requestID string) error) echo.HandlerFunc {
	return func(ec echo.Context) error {
		r, err := c.loadReport(ec)
		if r == nil {
			return err
		}
		text, ok := formText(ec, "text")
		if !ok {
			return c.renderError(ec, http.StatusBadRequest)
		}
		if err := call(c.svc, ec.Request().Context(), r.Number, account(ec).Email, text, requestID(ec)); err != nil {
			return c.serviceError(ec, what, err)
		}
		c.auditf(ec, audit, r.Number, "")
		return done(ec, r.Number, flash)
	}
}

// changeStatus moves the report to a new status with a note for the citizen.
func (c *Console) changeStatus(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	st := api.Status(ec.FormValue("status"))
	note := strings.TrimSpace(ec.FormValue("note"))
	if !st.Valid() || len([]rune(note)) > maxText {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if err := c.svc.ChangeStatus(ec.Request().Context(), r.Number, account(ec).Email, st, note, requestID(ec)); err != nil {
		return c.serviceError(ec, "change status", err)
	}
	c.auditf(ec, AuditStatus, r.Number, string(r.Status)+" -> "+string(st))
	return done(ec, r.Number, "status.changed")
}

// reassign moves the report to another agency (supervisors only).
func (c *Console) reassign(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	agency := ec.FormValue("agency")
	if _, ok := c.catalog.Agency(agency); !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if err := c.svc.Reassign(ec.Request().Context(), r.Number, account(ec).Email, agency); err != nil {
		return c.serviceError(ec, "reassign", err)
	}
	c.auditf(ec, AuditReassign, r.Number, r.Agency+" -> "+agency)
	return done(ec, r.Number, "reassigned")
}
