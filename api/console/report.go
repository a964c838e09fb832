package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// reportData is what report.html shows.
type reportData struct {
	R         *api.Report
	Category  string
	AgencyNm  string
	Created   time.Time
	SLA       slaState
	Photos    []photoLink
	Timeline  []timelineItem
	Reporter  reporterView
	OSM       string
	Canned    []string
	Statuses  []api.Status
	Agencies  []flows.Agency
	CanWrite  bool
	CanReveal bool
	CanAsk    bool
	// RID is this rendering's request id: the forms carry it, so a form
	// submitted twice is applied once (see requestID).
	RID string
	// Attributes are the answers to the service's own questions, labelled.
	Attributes []attributeView
}

type attributeView struct{ Label, Value string }

// attributeViews labels a report's attribute answers with the service's
// question labels (services.yaml), in the service's order; an answer the
// catalogue no longer knows keeps its code.
func (c *Console) attributeViews(r *api.Report, lang string) []attributeView {
	if len(r.Attributes) == 0 {
		return nil
	}
	var out []attributeView
	seen := map[string]bool{}
	if svc, ok := c.catalog.Service(r.Category); ok {
		for _, a := range svc.Attributes {
			if v, ok := r.Attributes[a.Code]; ok {
				label := a.Label.In(lang)
				for _, val := range a.Values {
					if val.Key == v {
						v = val.Name.In(lang)
					}
				}
				out = append(out, attributeView{Label: label, Value: v})
				seen[a.Code] = true
			}
		}
	}
	for code, v := range r.Attributes {
		if !seen[code] {
			out = append(out, attributeView{Label: code, Value: v})
		}
	}
	return out
}

// newRequestID is a random id for one rendering of a form.
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type photoLink struct{ URL string }

type timelineItem struct {
	api.Event
	At     time.Time
	Photos []photoLink
	// Tracked: the event sent the citizen a message whose delivery the
	// timeline shows (queued, sent, failed).
	Tracked     bool
	DeliveredAt time.Time
}

// reporterView is what the signed-in admin may see of the reporter.
type reporterView struct {
	Hidden   bool // anonim/rahasia for a non-supervisor: nothing at all
	Name     string
	Phone    string
	Masked   bool
	Revealed bool
	HasAny   bool
}

func (c *Console) report(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	c.auditf(ec, AuditView, r.Number, "")
	return c.renderReport(ec, r, false)
}

// reveal shows the report with the reporter's name and phone unmasked, to a
// supervisor, and records it in the audit log. It is a POST so that a
// reveal is always a deliberate act (never a prefetched link) and audit-
// logged exactly once per act.
func (c *Console) reveal(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	c.auditf(ec, AuditReveal, r.Number, "name,phone")
	return c.renderReport(ec, r, true)
}

func (c *Console) renderReport(ec echo.Context, r *api.Report, revealed bool) error {
	a := account(ec)
	l := lang(ec).lang
	shown := r
	if !a.Supervisor() {
		shown = r.AgencyView()
	}
	d := reportData{
		R: shown, Category: c.categoryName(r.Category, l), Created: r.CreatedAt.In(c.cfg.Location),
		SLA: c.sla(r, c.cfg.Now()), Canned: c.cfg.CannedReplies, Agencies: c.catalog.Agencies,
		CanWrite: a.CanWrite(), CanReveal: a.Supervisor() && !revealed,
		CanAsk: a.CanWrite() && r.Channel != "", RID: newRequestID(),
		Attributes: c.attributeViews(r, l),
	}
	for _, st := range api.Statuses {
		if st != r.Status {
			d.Statuses = append(d.Statuses, st)
		}
	}
	if ag, ok := c.catalog.Agency(r.Agency); ok {
		d.AgencyNm = ag.Name
	}
	if r.Location.HasPoint() {
		d.OSM = fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=18/%.6f/%.6f",
			r.Location.Lat, r.Location.Lon, r.Location.Lat, r.Location.Lon)
	}
	idx := 0
	for range r.Photos {
		d.Photos = append(d.Photos, photoLink{URL: photoURL(r.Number, idx)})
		idx++
	}
	for _, e := range r.Timeline {
		it := timelineItem{Event: e, At: e.At.In(c.cfg.Location), Tracked: e.Notifies() && r.Channel != ""}
		if e.Delivery != nil {
			it.DeliveredAt = e.Delivery.At.In(c.cfg.Location)
		}
		for range e.Photos {
			it.Photos = append(it.Photos, photoLink{URL: photoURL(r.Number, idx)})
			idx++
		}
		d.Timeline = append(d.Timeline, it)
	}
	slices.Reverse(d.Timeline) // newest first
	d.Reporter = reporterOf(a, r, revealed)
	if c.cfg.MediaStore == nil {
		d.Photos = nil
		for i := range d.Timeline {
			d.Timeline[i].Photos = nil
		}
	}
	return c.render(ec, http.StatusOK, "report.html", d)
}

// reporterOf decides what of the reporter an account sees: an anonim or
// rahasia reporter is hidden from everyone but supervisors; names and phones
// are masked unless a supervisor revealed them.
func reporterOf(a Account, r *api.Report, revealed bool) reporterView {
	if !a.Supervisor() && !r.Identity.ShowsName() {
		return reporterView{Hidden: true}
	}
	v := reporterView{Name: r.Contact.Name, Phone: r.Contact.Phone, HasAny: r.Contact.Name != "" || r.Contact.Phone != ""}
	if revealed && a.Supervisor() {
		v.Revealed = true
		return v
	}
	v.Masked = true
	v.Name, v.Phone = maskName(v.Name), maskPhone(v.Phone)
	return v
}

func photoURL(number string, i int) string {
	return fmt.Sprintf("/console/reports/%s/photos/%d", number, i)
}
