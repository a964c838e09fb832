package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

type deadRow struct {
	api.DeadLetter
	When  time.Time
	First time.Time
}

type deadData struct {
	Categories  []flows.Service // for edit-and-retry of a refused forward
	Rows        []deadRow
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// deadQuery is what an account may see: everything for supervisors; for an
// agency admin only the dead letters of their agency's reports. Viewers do
// not reach the page (requireWrite).
func deadQuery(a Account) api.DeadLetterQuery {
	return api.DeadLetterQuery{Agency: scopeAgency(a)}
}

// deadLetters is the "Gagal terkirim" page: every kind of work that could not
// be done — a reply not delivered, an action that failed, a report the
// complaint API refused, a webhook — with the error, the report, and retry
// or discard.
func (c *Console) deadLetters(ec echo.Context) error {
	a := account(ec)
	q := deadQuery(a)
	q.Size = 50
	q.Page = 1
	if v := ec.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > api.MaxPage {
			return c.renderError(ec, http.StatusBadRequest)
		}
		q.Page = n
	}
	page, err := c.svc.DeadLetters(ec.Request().Context(), q)
	if err != nil {
		return c.serviceError(ec, "dead letters", err)
	}
	d := deadData{Total: page.Total, Page: q.Page, Pages: max(1, (page.Total+q.Size-1)/q.Size),
		Categories: c.catalog.Services}
	for _, dl := range page.Items {
		if !a.Supervisor() {
			dl.Target = "" // operator business (URLs of other systems)
		}
		d.Rows = append(d.Rows, deadRow{DeadLetter: dl, When: dl.LastAt.In(c.cfg.Location),
			First: dl.FirstAt.In(c.cfg.Location)})
	}
	if d.Page > 1 {
		d.PrevURL = "?page=" + strconv.Itoa(d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = "?page=" + strconv.Itoa(d.Page+1)
	}
	return c.render(ec, http.StatusOK, "deadletters.html", d)
}

// visibleDeadLetter loads a dead letter the account may act on; anything
// else is a 404.
func (c *Console) visibleDeadLetter(ec echo.Context) (*api.DeadLetter, error) {
	d, err := c.svc.DeadLetter(ec.Request().Context(), ec.Param("id"))
	if err != nil {
		return nil, c.serviceError(ec, "dead letter", err)
	}
	if scope := scopeAgency(account(ec)); scope != "" && d.Agency != scope {
		return nil, c.renderError(ec, http.StatusNotFound)
	}
	return &d, nil
}

// retryDeadLetter queues a dead letter again.
func (c *Console) retryDeadLetter(ec echo.Context) error {
	d, err := c.visibleDeadLetter(ec)
	if d == nil {
		return err
	}
	if err := c.svc.RetryDeadLetter(ec.Request().Context(), d.ID, account(ec).Email); err != nil {
		return c.serviceError(ec, "retry dead letter", err)
	}
	c.auditf(ec, AuditRetry, d.Number, d.Kind)
	return ec.Redirect(http.StatusSeeOther, "/console/dead-letters?ok=dead.retried")
}

// discardDeadLetter takes a dead letter off the list with a reason (audited).
func (c *Console) discardDeadLetter(ec echo.Context) error {
	d, err := c.visibleDeadLetter(ec)
	if d == nil {
		return err
	}
	reason := strings.TrimSpace(ec.FormValue("reason"))
	if n := len([]rune(reason)); n < 3 || n > 500 {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if err := c.svc.DiscardDeadLetter(ec.Request().Context(), d.ID, account(ec).Email, reason); err != nil {
		return c.serviceError(ec, "discard dead letter", err)
	}
	c.auditf(ec, AuditDiscard, d.Number, d.Kind+": "+reason)
	return ec.Redirect(http.StatusSeeOther, "/console/dead-letters?ok=dead.discarded")
}

// editAndRetryDeadLetter corrects a refused forward's report (category,
// description) and queues it again (audited).
func (c *Console) editAndRetryDeadLetter(ec echo.Context) error {
	d, err := c.visibleDeadLetter(ec)
	if d == nil {
		return err
	}
	category := strings.TrimSpace(ec.FormValue("category"))
	description := strings.TrimSpace(ec.FormValue("description"))
	if d.Kind != api.DeadForward || d.Number == "" || (category == "" && description == "") ||
		len([]rune(description)) > 12000 {
		return c.renderError(ec, http.StatusBadRequest)
	}
	ctx := ec.Request().Context()
	if err := c.svc.EditForRetry(ctx, d.Number, account(ec).Email, category, description); err != nil {
		return c.serviceError(ec, "edit dead letter", err)
	}
	if err := c.svc.RetryDeadLetter(ctx, d.ID, account(ec).Email); err != nil {
		return c.serviceError(ec, "retry dead letter", err)
	}
	c.auditf(ec, AuditRetry, d.Number, d.Kind+" edited")
	return ec.Redirect(http.StatusSeeOther, "/console/dead-letters?ok=dead.retried")
}
