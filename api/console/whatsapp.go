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
	// PairingQR returns the current pairing code; asking keeps a pairing
	// round going on the replica that holds the connection for a short while.
	PairingQR func() (code string, ok bool)
}

type whatsappData struct {
	Status  WhatsAppStatus
	Pairing bool          // the number needs linking
	QR      template.HTML // inline SVG of the code, "" while waiting
}

// whatsappPage shows the channel's state and, while the number is not
// linked, the pairing QR code to scan with WhatsApp on the phone (Linked
// devices). The page reloads itself every 5 s (meta refresh, no script) to
// follow the rotating codes. Asking for a code keeps a pairing round open for
// a few seconds; it changes no stored data and a code is useless to anyone
// but the person holding the phone, so this GET is a deliberate exception to
// "no side effect on GET".
func (c *Console) whatsappPage(ec echo.Context) error {
	wa := c.cfg.WhatsApp
	if wa == nil || wa.Status == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	d := whatsappData{Status: wa.Status()}
	d.Status.Since = d.Status.Since.In(c.cfg.Location)
	d.Pairing = d.Status.State == "unpaired" || d.Status.State == "logged_out"
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
