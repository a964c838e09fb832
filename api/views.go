package api

import "slices"

// AgencyView is the report as an agency admin (or anything outside Aduan's
// core) may see it: the chat id is gone, and name and contact are gone
// unless the citizen chose public. The console shows this to agency admins.
func (r *Report) AgencyView() *Report {
	c := *r
	c.ChatID = ""
	if !c.Identity.ShowsName() {
		c.Contact = Contact{}
	}
	c.Photos = slices.Clone(r.Photos)
	c.Timeline = slices.Clone(r.Timeline)
	return &c
}

// PublicReplies are the admins' replies of a public report, oldest first
// (nothing for a rahasia report).
func (r *Report) PublicReplies() []Event {
	if !r.Identity.Public() {
		return nil
	}
	var out []Event
	for _, e := range r.Timeline {
		if e.Public() {
			out = append(out, Event{Kind: e.Kind, At: e.At, Text: e.Text})
		}
	}
	return out
}

// CitizenTimeline is what the reporter may see of the timeline.
func (r *Report) CitizenTimeline() []Event {
	var out []Event
	for _, e := range r.Timeline {
		if e.VisibleToCitizen() {
			out = append(out, e)
		}
	}
	return out
}
