package main

import (
	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

// addComplaintLoops adds the complaint side's background loops: the outbox
// relay (committed notices, forwards and webhooks to Redis), the forwarder (always: with no external API it records delivery to the
// agency), the outbound webhook sender, and the status poller of an external
// Open311 server (it returns at once when there is none).
func (a *app) addComplaintLoops() {
	a.background = append(a.background,
		api.NewRelay(a.service).Run,
		api.NewForwarder(a.service, a.apiCfg).Run,
		api.NewWebhookSender(a.service, a.apiCfg).Run,
		api.NewPoller(a.service, a.apiCfg).Run)
}

// registerComplaintAPI mounts the built-in Open311 server and the signed
// inbound webhook of an external back office.
func (a *app) registerComplaintAPI(e *echo.Echo) {
	api.Register(e, a.service, a.apiCfg)
}
