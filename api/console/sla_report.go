package console

import (
	"time"

	"github.com/aduan-id/aduan/api"
)

// slaState is where a report stands against the working-day SLA.
type slaState struct {
	AgeDays int       // working days since filed
	Due     time.Time // zero when no deadline runs (closed, or waiting for the citizen)
	DueDay  time.Time // the last working day of the deadline, for display
	DueKind string    // "due.verify" or "due.respond"
	Overdue bool
}

// firstResponse is the first time an admin answered the citizen: a reply, a
// question, or a status change with a note (kept on the report by the
// service, so listings need no timeline).
func firstResponse(r *api.Report) (time.Time, bool) {
	return r.FirstResponseAt, !r.FirstResponseAt.IsZero()
}

// sla computes the deadline of a report: a received report must be verified
// within SLAVerifyDays working days of filing; an open report must get a first
// response within SLARespondDays of filing, and later the citizen's messages
// (WaitingSince) must be answered within SLARespondDays too.
func (c *Console) sla(r *api.Report, now time.Time) slaState {
	s := slaState{AgeDays: c.cal.WorkingDaysBetween(r.CreatedAt, now)}
	if !r.Status.Open() {
		return s
	}
	_, responded := firstResponse(r)
	switch {
	case r.Status == api.StatusReceived:
		s.Due, s.DueKind = c.cal.Due(r.CreatedAt, c.cfg.SLAVerifyDays), "due.verify"
	case !responded:
		s.Due, s.DueKind = c.cal.Due(r.CreatedAt, c.cfg.SLARespondDays), "due.respond"
	case !r.WaitingSince.IsZero():
		s.Due, s.DueKind = c.cal.Due(r.WaitingSince, c.cfg.SLARespondDays), "due.respond"
	}
	if !s.Due.IsZero() {
		s.DueDay = s.Due.Add(-time.Minute)
	}
	s.Overdue = !s.Due.IsZero() && now.After(s.Due)
	return s
}
