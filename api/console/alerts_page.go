package console

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// registerAlerts mounts the alerts page on the logged-in group: every
// account sees it; linking and the email switch are for the accounts that
// receive alerts (supervisors and agency admins), so viewers get 403.
func (c *Console) registerAlerts(a *echo.Group) {
	a.GET("/alerts", c.alertsPage)
	a.POST("/alerts/telegram", c.alertLinkTelegram, c.requireWrite)
	a.POST("/alerts/telegram/unlink", c.alertUnlinkTelegram, c.requireWrite)
	a.POST("/alerts/email", c.alertEmail, c.requireWrite)
}

// VerifyCutoff is the SLA cut-off at now for the alerts watcher: a received
// report created before it is past its verification deadline (the
// console's working-day calendar and ADUAN_SLA_VERIFY_DAYS).
func (c *Console) VerifyCutoff(now time.Time) time.Time {
	return c.cal.OverdueBefore(now, c.cfg.SLAVerifyDays)
}

type alertsData struct {
	Receives   bool   // the account's role gets alerts
	Scope      string // "" (everything) or the agency
	Telegram   bool   // linking is possible here
	Linked     bool
	Email      bool // email alerts can be sent
	ByEmail    bool
	Code       string // a pending link code
	DeepLink   string // https://t.me/<bot>?start=adm_<code>, when the username is known
	Command    string // /start adm_<code>
	Until      time.Time
	Done       string // a message key after a change
	EmailShown string // the account's address
}

// alertsDone are the messages a redirect may ask the page to show.
var alertsDone = map[string]string{
	"code": "alerts.done.code", "unlinked": "alerts.done.unlinked", "email": "alerts.done.email",
}

// alertsPage shows what the account is alerted about and how: its linked
// Telegram chat (or a pending code with its deep link) and the email switch.
func (c *Console) alertsPage(ec echo.Context) error {
	ctx := ec.Request().Context()
	a := account(ec)
	d := alertsData{Receives: a.CanWrite(), Scope: scopeAgency(a), Linked: a.AlertChat != "", ByEmail: a.AlertEmail,
		EmailShown: a.Email, Done: alertsDone[ec.QueryParam("done")]}
	if cfg := c.alerts; cfg != nil {
		d.Telegram, d.Email = cfg.BotUsername != nil, cfg.Email
	}
	if d.Telegram && d.Receives {
		code, until, err := c.pendingCode(ctx, a.Email)
		if err != nil {
			return c.alertsError(ec, err)
		}
		if code != "" {
			d.Code, d.Until, d.Command = code, until.In(c.cfg.Location), "/start adm_"+code
			if name, err := c.alerts.BotUsername(ctx); err == nil && name != "" {
				d.DeepLink = "https://t.me/" + name + "?start=adm_" + code
			} else if err != nil {
				c.log.Warn("console: bot username for the alerts deep link", "err", err)
			}
		}
	}
	return c.render(ec, http.StatusOK, "alerts.html", d)
}

// alertLinkTelegram makes a one-time code for linking a Telegram chat.
func (c *Console) alertLinkTelegram(ec echo.Context) error {
	if c.alerts == nil || c.alerts.BotUsername == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	if _, err := c.newLinkCode(ec.Request().Context(), account(ec).Email); err != nil {
		return c.alertsError(ec, err)
	}
	c.auditf(ec, AuditAlertCode, "", "telegram")
	return ec.Redirect(http.StatusSeeOther, "/console/alerts?done=code")
}

// alertUnlinkTelegram forgets the account's Telegram chat.
func (c *Console) alertUnlinkTelegram(ec echo.Context) error {
	if err := c.accounts.SetAlertChat(ec.Request().Context(), account(ec).Email, ""); err != nil {
		return c.alertsError(ec, err)
	}
	c.auditf(ec, AuditAlertUnlink, "", "telegram")
	return ec.Redirect(http.StatusSeeOther, "/console/alerts?done=unlinked")
}

// alertEmail turns email alerts on (email=1) or off.
func (c *Console) alertEmail(ec echo.Context) error {
	on := ec.FormValue("email") == "1"
	if err := c.accounts.SetAlertEmail(ec.Request().Context(), account(ec).Email, on); err != nil {
		return c.alertsError(ec, err)
	}
	detail := "off"
	if on {
		detail = "on"
	}
	c.auditf(ec, AuditAlertEmail, "", detail)
	return ec.Redirect(http.StatusSeeOther, "/console/alerts?done=email")
}

func (c *Console) alertsError(ec echo.Context, err error) error {
	if errors.Is(err, ErrNoAccount) {
		return c.renderError(ec, http.StatusNotFound)
	}
	c.log.Error("console: alerts", "err", err)
	return c.renderError(ec, http.StatusServiceUnavailable)
}
