package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// inboxData is what inbox.html shows.
type inboxData struct {
	Q          inboxQuery
	Rows       []inboxRow
	Total      int
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	Counts     []statusCount
	AllCount   int
	AllURL     string
	Categories []flows.Service
	Agencies   []flows.Agency
	Kecamatan  []string
	Channels   []string
	Statuses   []api.Status
	ShowAgency bool
	ExportURL  string
	Capped     bool // a text search matched more than api.TextSearchCountCap
	Cap        int
}

type inboxQuery struct {
	Status, Category, Agency, Kecamatan, Channel, From, To, Text, Sort string
}

type statusCount struct {
	Status api.Status
	N      int
	URL    string
	On     bool
}

type inboxRow struct {
	Number, Title, Category, Kecamatan, Agency, Channel string
	Status                                              api.Status
	Created                                             time.Time
	SLA                                                 slaState
}

func (c *Console) inbox(ec echo.Context) error {
	a := account(ec)
	q := inboxQueryOf(ec)
	if len(q.Text) > 200 {
		q.Text = q.Text[:200]
	}
	f, ok := c.filter(q)
	if !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if scope := scopeAgency(a); scope != "" {
		f.Agency, q.Agency = scope, scope
	}
	if v := ec.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > api.MaxPage {
			return c.renderError(ec, http.StatusBadRequest)
		}
		f.Page = n
	}
	f.Size = c.cfg.PageSize
	res, err := c.svc.List(ec.Request().Context(), f)
	if err != nil {
		return c.serviceError(ec, "inbox", err)
	}
	now := c.cfg.Now()
	export := q.values()
	d := inboxData{
		ExportURL: "/console/export.csv?" + export.Encode(), Capped: res.Capped, Cap: api.TextSearchCountCap,
		Q: q, Total: res.Total, Page: res.Page, Pages: max(1, (res.Total+res.Size-1)/res.Size),
		Categories: c.catalog.Services, Agencies: c.catalog.Agencies, Kecamatan: c.catalog.Kecamatan,
		Channels: []string{"telegram", "whatsapp", "terminal"}, Statuses: api.Statuses,
		ShowAgency: scopeAgency(a) == "",
	}
	for _, r := range res.Items {
		d.Rows = append(d.Rows, inboxRow{
			Number: r.Number, Title: r.Title, Category: c.categoryName(r.Category, lang(ec).lang),
			Kecamatan: r.Location.Kecamatan, Agency: r.Agency, Channel: r.Channel, Status: r.Status,
			Created: r.CreatedAt.In(c.cfg.Location), SLA: c.sla(r, now),
		})
	}
	base := q.values()
	for _, st := range api.Statuses {
		u := cloneValues(base)
		u.Set("status", string(st))
		d.Counts = append(d.Counts, statusCount{Status: st, N: res.Count[st], URL: "?" + u.Encode(), On: q.Status == string(st)})
		d.AllCount += res.Count[st]
	}
	all := cloneValues(base)
	all.Del("status")
	d.AllURL = "?" + all.Encode()
	if d.Page > 1 {
		u := cloneValues(base)
		u.Set("page", strconv.Itoa(d.Page-1))
		d.PrevURL = "?" + u.Encode()
	}
	if d.Page < d.Pages {
		u := cloneValues(base)
		u.Set("page", strconv.Itoa(d.Page+1))
		d.NextURL = "?" + u.Encode()
	}
	return c.render(ec, http.StatusOK, "inbox.html", d)
}

// inboxQueryOf reads the inbox filter from the URL (the inbox and its CSV
// export share it).
func inboxQueryOf(ec echo.Context) inboxQuery {
	return inboxQuery{
		Status: ec.QueryParam("status"), Category: ec.QueryParam("category"), Agency: ec.QueryParam("agency"),
		Kecamatan: ec.QueryParam("kecamatan"), Channel: ec.QueryParam("channel"), From: ec.QueryParam("from"),
		To: ec.QueryParam("to"), Text: strings.TrimSpace(ec.QueryParam("q")), Sort: ec.QueryParam("sort"),
	}
}

// filter turns the query into an api.Filter; ok is false for a malformed
// status, date or sort.
func (c *Console) filter(q inboxQuery) (api.Filter, bool) {
	f := api.Filter{Category: q.Category, Agency: q.Agency, Kecamatan: q.Kecamatan, Channel: q.Channel}
	f.Query, f.Number, f.Phone = api.ParseSearch(q.Text, c.catalog.Region.TrackingPrefix)
	if q.Status != "" {
		st := api.Status(q.Status)
		if !st.Valid() {
			return f, false
		}
		f.Status = st
	}
	switch q.Sort {
	case "", api.SortNewest:
		f.Sort = api.SortNewest
	case api.SortWaiting:
		f.Sort = api.SortWaiting
	default:
		return f, false
	}
	if q.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, q.From, c.cfg.Location)
		if err != nil {
			return f, false
		}
		f.From = t
	}
	if q.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, q.To, c.cfg.Location)
		if err != nil {
			return f, false
		}
		f.To = t.AddDate(0, 0, 1).Add(-time.Millisecond) // the whole last day
	}
	return f, true
}

// values is the query as URL values, without the page.
func (q inboxQuery) values() url.Values {
	u := url.Values{}
	for k, v := range map[string]string{"status": q.Status, "category": q.Category, "agency": q.Agency, "kecamatan": q.Kecamatan,
		"channel": q.Channel, "from": q.From, "to": q.To, "q": q.Text, "sort": q.Sort} {
		if v != "" {
			u.Set(k, v)
		}
	}
	return u
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (c *Console) categoryName(code, lang string) string {
	if s, ok := c.catalog.Service(code); ok {
		return s.Name.In(lang)
	}
	return code
}
