package console

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

type dashboardData struct {
	From, To             string // the filing-date period shown ("" = open)
	Total, Open, Overdue int
	Median               time.Duration
	HasMedian            bool
	Responded            int
	ByStatus             barChart
	ByCategory           barChart
	ByKecamatan          barChart
}

// MedianHours is the median time to first response in hours.
func (d dashboardData) MedianHours() float64 { return d.Median.Hours() }

// dashboard shows counts by status, category and sub-district, the median
// time to first response and the number of overdue reports, over every
// report the account may see.
func (c *Console) dashboard(ec echo.Context) error {
	a := account(ec)
	l := lang(ec)
	period, ok := c.filter(inboxQuery{From: ec.QueryParam("from"), To: ec.QueryParam("to")})
	if !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	reports, err := c.allReports(ec, api.Filter{Agency: scopeAgency(a), From: period.From, To: period.To})
	if err != nil {
		return c.serviceError(ec, "dashboard", err)
	}
	now := c.cfg.Now()
	d := dashboardData{Total: len(reports), From: ec.QueryParam("from"), To: ec.QueryParam("to")}
	byStatus := make([]int, len(api.Statuses))
	byCat, byKec := map[string]int{}, map[string]int{}
	var waits []time.Duration
	for _, r := range reports {
		if i := slices.Index(api.Statuses, r.Status); i >= 0 {
			byStatus[i]++
		}
		byCat[r.Category]++
		kec := r.Location.Kecamatan
		if kec == "" {
			kec = "—"
		}
		byKec[kec]++
		if r.Status.Open() {
			d.Open++
			if c.sla(r, now).Overdue {
				d.Overdue++
			}
		}
		if t, ok := firstResponse(r); ok {
			waits = append(waits, t.Sub(r.CreatedAt))
		}
	}
	if len(waits) > 0 {
		slices.Sort(waits)
		d.HasMedian, d.Responded = true, len(waits)
		if n := len(waits); n%2 == 1 {
			d.Median = waits[n/2]
		} else {
			d.Median = (waits[n/2-1] + waits[n/2]) / 2
		}
	}
	labels := make([]string, len(api.Statuses))
	for i, st := range api.Statuses {
		labels[i] = l.T("status." + string(st))
	}
	d.ByStatus = newBarChart(labels, byStatus)
	d.ByCategory = countsChart(byCat, func(code string) string { return c.categoryName(code, l.lang) })
	d.ByKecamatan = countsChart(byKec, func(k string) string { return k })
	return c.render(ec, http.StatusOK, "dashboard.html", d)
}

// allReports pages through List. List reads its whole index on every call,
// so this is quadratic in the number of reports; fine for a regency's few
// thousand a year, and the period filter bounds it.
func (c *Console) allReports(ec echo.Context, f api.Filter) ([]*api.Report, error) {
	var out []*api.Report
	f.Size = 200
	for f.Page = 1; ; f.Page++ {
		res, err := c.svc.List(ec.Request().Context(), f)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Items...)
		if len(res.Items) == 0 || f.Page*res.Size >= res.Total {
			return out, nil
		}
	}
}
