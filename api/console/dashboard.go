package console

import (
	"net/http"
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
	ByAgency             barChart
	PerWeek              barChart
	ShowAgency           bool
	AsOf                 time.Time
}

// MedianHours is the median time to first response in hours.
func (d dashboardData) MedianHours() float64 { return d.Median.Hours() }

// dashboard shows counts by status, category, sub-district and agency, the
// weekly trend, the median time to first response and the number of overdue
// reports, over every report the account may see. The database computes
// every figure (api.Stats): the page costs the same at 1,000 reports and at
// 100,000.
func (c *Console) dashboard(ec echo.Context) error {
	a := account(ec)
	l := lang(ec)
	period, ok := c.filter(inboxQuery{From: ec.QueryParam("from"), To: ec.QueryParam("to")})
	if !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	now := c.cfg.Now()
	st, err := c.svc.Stats(ec.Request().Context(), api.StatsQuery{
		Agency: scopeAgency(a), From: period.From, To: period.To, Location: c.cfg.Location,
		VerifyBefore:  c.cal.OverdueBefore(now, c.cfg.SLAVerifyDays),
		RespondBefore: c.cal.OverdueBefore(now, c.cfg.SLARespondDays),
	})
	if err != nil {
		return c.serviceError(ec, "dashboard", err)
	}
	d := dashboardData{Total: st.Total, Open: st.Open, Overdue: st.Overdue, From: ec.QueryParam("from"),
		To: ec.QueryParam("to"), Responded: st.Responded, HasMedian: st.Responded > 0, Median: st.MedianResponse,
		ShowAgency: scopeAgency(a) == "", AsOf: st.AsOf.In(c.cfg.Location)}
	labels := make([]string, len(api.Statuses))
	values := make([]int, len(api.Statuses))
	for i, s := range api.Statuses {
		labels[i], values[i] = l.T("status."+string(s)), st.ByStatus[s]
	}
	d.ByStatus = newBarChart(labels, values)
	d.ByCategory = countsChart(st.ByCategory, func(code string) string { return c.categoryName(code, l.lang) })
	d.ByKecamatan = countsChart(st.ByKecamatan, func(k string) string {
		if k == "" {
			return "—"
		}
		return k
	})
	d.ByAgency = countsChart(st.ByAgency, func(code string) string {
		if ag, ok := c.catalog.Agency(code); ok {
			return ag.Name
		}
		return code
	})
	d.PerWeek = weeklyChart(st.PerDay, 12)
	return c.render(ec, http.StatusOK, "dashboard.html", d)
}

// weeklyChart sums per-day counts into the last n ISO weeks that have
// reports, oldest first, labelled by the week's Monday.
func weeklyChart(days []api.DayCount, n int) barChart {
	var labels []string
	var values []int
	for _, dc := range days {
		t, err := time.Parse(time.DateOnly, dc.Day)
		if err != nil {
			continue
		}
		monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format("02/01/2006")
		if len(labels) > 0 && labels[len(labels)-1] == monday {
			values[len(values)-1] += dc.N
			continue
		}
		labels, values = append(labels, monday), append(values, dc.N)
	}
	if len(labels) > n {
		labels, values = labels[len(labels)-n:], values[len(values)-n:]
	}
	return newBarChart(labels, values)
}
