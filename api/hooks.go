package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Outbound webhook event types. Each change of a report sends exactly one of
// them to each configured URL.
const (
	HookCreated          = "report.created"
	HookInformationAdded = "report.information_added"
	HookRated            = "report.rated"
	HookAnswered         = "report.answered" // the citizen answered an admin's question
	HookReopened         = "report.reopened"
	// HookStatusChanged: an admin, the back office (inbound webhook) or the
	// poller changed the status; data: from, to, note, source.
	HookStatusChanged = "report.status_changed"
	// HookReplied: an admin, the back office or the poller (new status
	// notes) replied to the citizen; data: text, source.
	HookReplied = "report.replied"
)

// HookEvent is the JSON body of an outbound webhook. It carries the agency
// view of the report: never the chat id; name and phone only for public.
type HookEvent struct {
	EventID          string         `json:"event_id"`
	Type             string         `json:"type"`
	OccurredAt       time.Time      `json:"occurred_at"`
	Timestamp        time.Time      `json:"timestamp"` // = occurred_at, the Standard Webhooks payload field
	TrackingNumber   string         `json:"tracking_number"`
	ServiceRequestID string         `json:"service_request_id,omitempty"`
	Report           HookReport     `json:"report"`
	Data             map[string]any `json:"data,omitempty"`
}

// HookReport is the report as outbound webhooks (and forwarded payloads) may
// carry it.
type HookReport struct {
	ServiceCode  string   `json:"service_code"`
	Agency       string   `json:"agency"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Status       Status   `json:"status"`
	Identity     Identity `json:"identity"`
	Channel      string   `json:"channel,omitempty"`
	IncidentDate string   `json:"incident_date,omitempty"`
	Address      string   `json:"address,omitempty"`
	Kecamatan    string   `json:"kecamatan,omitempty"`
	Lat          float64  `json:"lat,omitempty"`
	Long         float64  `json:"long,omitempty"`
	Name         string   `json:"name,omitempty"`  // public identity only
	Phone        string   `json:"phone,omitempty"` // public identity only
	Photos       int      `json:"photos,omitempty"`
	Requested    string   `json:"requested_datetime"`
}

// hookReport builds the outbound view of r.
func hookReport(r *Report) HookReport {
	h := HookReport{
		ServiceCode: r.Category, Agency: r.Agency, Title: r.Title, Description: r.Description,
		Status: r.Status, Identity: ParseIdentity(string(r.Identity)), Channel: r.Channel,
		IncidentDate: r.IncidentDate, Address: r.Location.Address, Kecamatan: r.Location.Kecamatan,
		Lat: r.Location.Lat, Long: r.Location.Lon, Photos: len(r.Photos),
		Requested: r.CreatedAt.Format(time.RFC3339),
	}
	if r.Identity.ShowsName() {
		h.Name, h.Phone = r.Contact.Name, r.Contact.Phone
	}
	return h
}

// hookEffects are one outbound webhook per configured URL for a change of r,
// committed with it. id makes the event id stable across a redelivered action.
func (s *Service) hookEffects(r *Report, typ, id string, data map[string]any) []Effect {
	if len(s.hookURLs) == 0 {
		return nil
	}
	// Times in the region's offset (+07:00), as Open311 output.
	loc := s.catalog.Region.Location()
	now := s.now().In(loc)
	rep := hookReport(r)
	rep.Requested = r.CreatedAt.In(loc).Format(time.RFC3339)
	ev := HookEvent{
		EventID: hookEventID(r.Number, typ, id), Type: typ, OccurredAt: now, Timestamp: now, TrackingNumber: r.Number,
		ServiceRequestID: r.ServiceRequestID, Report: rep, Data: data,
	}
	body, err := json.Marshal(ev)
	if err != nil {
		panic(fmt.Sprintf("encode webhook %s: %v", typ, err)) // plain data always encodes
	}
	out := make([]Effect, 0, len(s.hookURLs))
	for i, u := range s.hookURLs {
		payload, _ := json.Marshal(map[string]string{"url": u, "event_id": ev.EventID, "body": string(body)})
		out = append(out, Effect{ID: ev.EventID + ":" + strconv.Itoa(i), Kind: EffectWebhook, Number: r.Number,
			Payload: payload})
	}
	return out
}

// createdEffects queue a new report for forwarding and report.created.
func (s *Service) createdEffects(r *Report) []Effect {
	return append([]Effect{forwardEffect(r)}, s.hookEffects(r, HookCreated, "created", nil)...)
}

// replyHook is report.replied for an admin's reply (eventID: its timeline
// event's id, stable for one reply).
func (s *Service) replyHook(r *Report, actor, text, eventID string) []Effect {
	return s.hookEffects(r, HookReplied, eventID, map[string]any{"text": text, "source": hookSource(actor)})
}

// statusHook is report.status_changed for a change from -> r.Status.
func (s *Service) statusHook(r *Report, actor string, from Status, note, eventID string) []Effect {
	return s.hookEffects(r, HookStatusChanged, eventID, map[string]any{"from": from, "to": r.Status, "note": note,
		"source": hookSource(actor)})
}

// hookSource says who made a change without naming them: "webhook" (the
// back office itself, so it can skip its own echo), "poller", "system", or
// "console" for an admin (whose e-mail address stays in Aduan).
func hookSource(actor string) string {
	switch actor {
	case ActorWebhook, ActorPoller, ActorSystem:
		return actor
	}
	return "console"
}

// hookEventID is stable for one change of one report.
func hookEventID(number, typ, id string) string {
	return number + ":" + typ + ":" + shortHash(id)
}
