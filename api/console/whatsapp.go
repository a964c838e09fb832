package console

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"
)

// WhatsAppStatus is the state of the WhatsApp channel as the console shows
// it (cmd/aduan fills it from whatsapp.Adapter.Health).
type WhatsAppStatus struct {
	State         string // connected, unpaired, logged_out, banned, standby, ...
	Detail        string // for an operator; never a phone number
	Since         time.Time
	NeedsOperator bool
}

// WhatsAppLink lets supervisors see the WhatsApp channel and link its number
// from the console (cmd/aduan wraps *whatsapp.Adapter; nil hides the page).
type WhatsAppLink struct {
	Status func() WhatsAppStatus
	// RequestPairing starts a pairing round (a few minutes of rotating QR
	// codes) on the replica that holds the connection.
	RequestPairing func()
	// PairingQR returns the current pairing code, if a round is running. It
	// only reads.
	PairingQR func() (code string, ok bool)
}

type whatsappData struct {
	Status    WhatsAppStatus
	Pairing   bool          // the number needs linking
	Requested bool          // a supervisor started pairing (?pairing=1): wait for the code
	QR        template.HTML // inline SVG of the code, "" while waiting
}

// whatsappPage shows the channel's state and, while the number is not
// linked, a button that starts pairing and then the QR code to scan with
// WhatsApp on the phone (Linked devices). While a code is shown the page
// reloads itself every 5 s (meta refresh, no script) to follow the rotating
// codes. The page only reads: pairing starts with a POST (startPairing).
func (c *Console) whatsappPage(ec echo.Context) error {
	wa := c.cfg.WhatsApp
	if wa == nil || wa.Status == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	d := whatsappData{Status: wa.Status()}
	d.Status.Since = d.Status.Since.In(c.cfg.Location)
	d.Pairing = d.Status.State == "unpaired" || d.Status.State == "logged_out"
	d.Requested = ec.QueryParam("pairing") == "1"
	if d.Pairing && wa.PairingQR != nil {
		if code, ok := wa.PairingQR(); ok {
			svg, err := qrSVG(code)
			if err != nil {
				c.log.Error("console: whatsapp qr", "err", err)
				return c.renderError(ec, http.StatusInternalServerError)
			}
			d.QR = svg
		}
	}
	return c.render(ec, http.StatusOK, "whatsapp.html", d)
}

// startPairing starts a pairing round (supervisors; audit-logged) and shows
// the page, which then waits for the first code.
func (c *Console) startPairing(ec echo.Context) error {
	wa := c.cfg.WhatsApp
	if wa == nil || wa.RequestPairing == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	wa.RequestPairing()
	c.auditf(ec, "whatsapp.pair", "whatsapp", "")
	return ec.Redirect(http.StatusSeeOther, "/console/whatsapp?pairing=1")
}

// qrSVG renders a QR code as an inline SVG (one path, crisp at any size).
func qrSVG(text string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.L)
	if err != nil {
		return "", fmt.Errorf("encode qr: %w", err)
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := range code.Size {
		for x := range code.Size {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // only digits and fixed markup: safe
}
