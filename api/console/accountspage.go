package console

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// accountsPage lists the console accounts (supervisors only). Accounts are
// managed with `aduan admin`, not here: the page changes nothing.
func (c *Console) accountsPage(ec echo.Context) error {
	list, err := c.accounts.List(ec.Request().Context())
	if err != nil {
		c.log.Error("console: accounts page", "err", err)
		return c.renderError(ec, http.StatusInternalServerError)
	}
	for i := range list {
		list[i].Created = list[i].Created.In(c.cfg.Location)
	}
	return c.render(ec, http.StatusOK, "accounts.html", list)
}
