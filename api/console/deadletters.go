package console

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

type deadRow struct {
	api.DeadLetter
	When time.Time
}

// visibleDeadLetters are the dead letters an account may see: all for
// supervisors and agency-less viewers; for others only forwards of their
// agency's reports (a webhook's target URL is operator business).
func (c *Console) visibleDeadLetters(ec echo.Context) ([]api.DeadLetter, error) {
	all, err := c.svc.DeadLetters(ec.Request().Context())
	if err != nil {
		return nil, err
	}
	a := account(ec)
	if scopeAgency(a) == "" {
		return all, nil
	}
	var out []api.DeadLetter
	for _, d := range all {
		if d.Kind != api.DeadForward || d.Number == "" {
			continue
		}
		r, err := c.svc.Get(ec.Request().Context(), d.Number)
		if errors.Is(err, api.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if canSee(a, r) {
			out = append(out, d)
		}
	}
	return out, nil
}

// deadLetters lists the reports (and webhooks) that could not be forwarded,
// with the error and a retry button.
func (c *Console) deadLetters(ec echo.Context) error {
	list, err := c.visibleDeadLetters(ec)
	if err != nil {
		return c.serviceError(ec, "dead letters", err)
	}
	rows := make([]deadRow, 0, len(list))
	for _, d := range list {
		rows = append(rows, deadRow{DeadLetter: d, When: d.At.In(c.cfg.Location)})
	}
	return c.render(ec, http.StatusOK, "deadletters.html", rows)
}

// retryDeadLetter queues a dead letter again. Only one the account can see
// may be retried; anything else is a 404.
func (c *Console) retryDeadLetter(ec echo.Context) error {
	id := ec.Param("id")
	list, err := c.visibleDeadLetters(ec)
	if err != nil {
		return c.serviceError(ec, "dead letters", err)
	}
	var found *api.DeadLetter
	for i := range list {
		if list[i].ID == id {
			found = &list[i]
		}
	}
	if found == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	if err := c.svc.RetryDeadLetter(ec.Request().Context(), id); err != nil {
		return c.serviceError(ec, "retry dead letter", err)
	}
	c.auditf(ec, AuditRetry, found.Number, found.Kind)
	return ec.Redirect(http.StatusSeeOther, "/console/dead-letters?ok=dead.retried")
}
