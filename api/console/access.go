package console

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

// canSee reports whether an account may see a report: supervisors see all,
// agency admins their agency's, viewers their agency's or (without an agency)
// all.
func canSee(a Account, r *api.Report) bool {
	switch a.Role {
	case RoleSupervisor:
		return true
	case RoleAgency:
		return a.Agency != "" && r.Agency == a.Agency
	case RoleViewer:
		return a.Agency == "" || r.Agency == a.Agency
	}
	return false
}

// scopeAgency is the agency an account's lists are limited to ("" = all).
func scopeAgency(a Account) string {
	if a.Role == RoleSupervisor {
		return ""
	}
	return a.Agency
}

// loadReport fetches the report of the :number parameter for the signed-in
// account. A report the account may not see is a 404, exactly like a missing
// one, so report numbers of other agencies cannot be probed; the attempt is
// audit-logged. When the report is nil, the response is already written and
// the returned error is what the handler must return.
func (c *Console) loadReport(ec echo.Context) (*api.Report, error) {
	number := api.NormalizeNumber(ec.Param("number"))
	r, err := c.svc.Get(ec.Request().Context(), number)
	if errors.Is(err, api.ErrNotFound) {
		return nil, c.renderError(ec, http.StatusNotFound)
	}
	if err != nil {
		return nil, c.serviceError(ec, "load report", err)
	}
	if !canSee(account(ec), r) {
		c.auditf(ec, AuditDenied, r.Number, "report of another agency")
		return nil, c.renderError(ec, http.StatusNotFound)
	}
	return r, nil
}

// serviceError turns an api error into an error page; unknown errors are
// logged and shown as a plain 503 (the database or Redis is away).
func (c *Console) serviceError(ec echo.Context, what string, err error) error {
	code := api.HTTPStatus(err)
	if code == http.StatusInternalServerError {
		// Not a refusal but trouble behind us (the database or Redis down):
		// a plain "try again shortly" page, the cause in the log.
		c.log.ErrorContext(ec.Request().Context(), "console: "+what, "err", err)
		code = http.StatusServiceUnavailable
	}
	return c.renderError(ec, code)
}
