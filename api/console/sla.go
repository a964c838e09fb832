package console

import (
	"fmt"
	"time"
)

// Calendar counts working days: Monday to Friday, except holidays, in one
// time zone.
type Calendar struct {
	loc      *time.Location
	holidays map[string]bool // "2006-01-02"
}

func parseHolidays(list []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, s := range list {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: want YYYY-MM-DD: %w", s, err)
		}
		out[d.Format(time.DateOnly)] = true
	}
	return out, nil
}

// NewCalendar returns a calendar in loc with holidays (YYYY-MM-DD).
func NewCalendar(loc *time.Location, holidays []string) (*Calendar, error) {
	h, err := parseHolidays(holidays)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = jakarta()
	}
	return &Calendar{loc: loc, holidays: h}, nil
}

// Working reports whether the day of t (in the calendar's zone) is a working day.
func (c *Calendar) Working(t time.Time) bool {
	t = t.In(c.loc)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.holidays[t.Format(time.DateOnly)]
}

// Due is the deadline n working days after start: the end of the n-th working
// day after the day of start. A report filed on a Friday evening with n=3 is
// due at the end of Wednesday.
func (c *Calendar) Due(start time.Time, n int) time.Time {
	d := start.In(c.loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc)
	for left := n; left > 0; {
		day = day.AddDate(0, 0, 1)
		if c.Working(day) {
			left--
		}
	}
	return day.AddDate(0, 0, 1) // end of that day
}

// OverdueBefore is the cut-off for deadlines of n working days at now: a
// deadline that started before it has passed (now is after Due), one that
// started at or after it has not. Due only grows with its start day, so the
// database can count overdue reports with "started before" on an index.
func (c *Calendar) OverdueBefore(now time.Time, n int) time.Time {
	d := now.In(c.loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, c.loc)
	for range 400 { // n working days lie within a year, holidays included
		if now.After(c.Due(day, n)) {
			return day.AddDate(0, 0, 1)
		}
		day = day.AddDate(0, 0, -1)
	}
	return day
}

// WorkingDaysBetween counts the working days that fully passed after the day
// of from up to the day of to: a report filed today is 0 days old, one filed on
// Friday is 1 working day old on Tuesday.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	f, t := from.In(c.loc), to.In(c.loc)
	day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, c.loc)
	end := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.loc)
	n := 0
	for day.Before(end) {
		day = day.AddDate(0, 0, 1)
		if day.Before(end) && c.Working(day) {
			n++
		}
	}
	return n
}
