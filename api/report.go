// Package api is the complaint side of Aduan: the Report model and its Redis
// store, the Service the admin console and the webhooks use, the handler of
// the engine's actions (submit, status, ...), the built-in Open311 GeoReport
// v2 server, the forwarder to an external complaint API, signed webhooks in
// and out, and the poller of an external Open311 server.
//
// Privacy is enforced here, where data leaves: a report's channel and chat id
// never leave Aduan; an anonim report never shows the citizen's name or
// contact outside Aduan; a rahasia report is never public (see views.go).
package api

import (
	"log/slog"
	"slices"
	"time"

	"github.com/aduan-id/aduan/flows"
)

// Identity is the citizen's choice of how visible they are.
type Identity string

// Identity modes.
const (
	// IdentityPublic: name visible to the agency; report public.
	IdentityPublic Identity = "public"
	// IdentityAnonim: name and contact hidden from the agency and the public.
	IdentityAnonim Identity = "anonim"
	// IdentityRahasia: report not public at all; name hidden from the agency.
	IdentityRahasia Identity = "rahasia"
)

// ParseIdentity returns the mode for v. Anything unclear (empty, unknown,
// misspelt) is the most protective mode, rahasia.
func ParseIdentity(v string) Identity {
	switch lower(v) {
	case "public", "publik":
		return IdentityPublic
	case "anonim", "anonymous", "anon":
		return IdentityAnonim
	}
	return IdentityRahasia
}

// Public reports whether the report may appear in public listings.
func (i Identity) Public() bool { return ParseIdentity(string(i)) != IdentityRahasia }

// ShowsName reports whether the citizen's name and contact may leave Aduan.
func (i Identity) ShowsName() bool { return ParseIdentity(string(i)) == IdentityPublic }

// Location is where the problem is.
type Location struct {
	Lat       float64 `json:"lat,omitempty"`
	Lon       float64 `json:"lon,omitempty"`
	Address   string  `json:"address,omitempty"`
	Kecamatan string  `json:"kecamatan,omitempty"`
}

// HasPoint reports whether a map point was given.
func (l Location) HasPoint() bool { return l.Lat != 0 || l.Lon != 0 }

// Contact is what the citizen chose to give about themselves.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Email and AccountID come from an Open311 POST (email, account_id): the
	// filer's address and its user's account at the filing application.
	// They leave Aduan only as name and phone do (identity public).
	Email     string `json:"email,omitempty"`
	AccountID string `json:"account_id,omitempty"`
}

// LogValue keeps names and phone numbers out of logs (slog.LogValuer: the
// signature must be exactly this, or slog prints the fields).
func (c Contact) LogValue() slog.Value { return slog.StringValue("[contact redacted]") }

// Report is one complaint. It is stored whole, as JSON, timeline included.
// Channel and ChatID are Aduan-internal: they are never copied into anything
// that leaves (Open311 output, forwarded payloads, outbound webhooks).
type Report struct {
	Number       string `json:"number"`   // tracking number, e.g. SDA-7KQ2MX
	Category     string `json:"category"` // Open311 service code
	Agency       string `json:"agency"`   // agency code, from the service
	Title        string `json:"title"`
	Description  string `json:"description"`
	IncidentDate string `json:"incident_date,omitempty"` // YYYY-MM-DD as given
	// IncidentDateNote says how sure the citizen was: "sekitar (minggu
	// lalu)" for an approximate date, "tidak diketahui (lupa)" for none.
	IncidentDateNote string `json:"incident_date_note,omitempty"`
	// Attributes are the answers to the service's own questions
	// (services.yaml attributes; Open311 attribute[code]).
	Attributes map[string]string `json:"attributes,omitempty"`
	Location   Location          `json:"location"`
	Photos     []flows.Photo     `json:"photos,omitempty"`
	Identity   Identity          `json:"identity"`
	Contact    Contact           `json:"contact"`

	// Source is where the report came from: "chat" or "api".
	Source  string `json:"source"`
	Channel string `json:"channel,omitempty"` // telegram, whatsapp, terminal
	ChatID  string `json:"chat_id,omitempty"`
	Lang    string `json:"lang,omitempty"`

	Status    Status    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// WaitingSince is when the citizen last acted without an admin answering
	// since (zero when the ball is in the citizen's court or it is closed).
	WaitingSince time.Time `json:"waiting_since,omitzero"`

	// ServiceRequestID is the id at the complaint API (the tracking number for
	// the built-in one); set once forwarded.
	ServiceRequestID string    `json:"service_request_id,omitempty"`
	ForwardedAt      time.Time `json:"forwarded_at,omitzero"`
	// External is true when ServiceRequestID is an external server's id.
	External bool `json:"external,omitempty"`
	// ExternalStatus is the last status seen at an external Open311 server.
	ExternalStatus string `json:"external_status,omitempty"`
	ExternalNotes  string `json:"external_notes,omitempty"`

	Rating        int    `json:"rating,omitempty"`
	RatingComment string `json:"rating_comment,omitempty"`

	// Filer is the (hashed) api_key that filed the report through the
	// built-in Open311 server: that key may always read it back, rahasia
	// included. Empty for chat reports. Never leaves Aduan.
	Filer string `json:"-"`
	// PublishedPhotos are the indexes (the report's photos, then those added
	// on the timeline, in order) of the photos an admin approved for the
	// public Open311 view; only a public-identity report shows them.
	PublishedPhotos []int `json:"published_photos,omitempty"`

	// FirstResponseAt is when an admin first answered the citizen (a reply,
	// a question, or a status change with a note or to a closed status).
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	// StatusNote is the note of the latest status change.
	StatusNote string `json:"status_note,omitempty"`

	// Timeline is the report's history, oldest first. Listings leave it nil.
	Timeline []Event `json:"timeline"`
	// Additions is the text the citizen added later (additions and answers),
	// joined by newlines: filled by the store's Export only.
	Additions string `json:"-"`
}

// Owner reports whether channel+chat is the conversation that filed it.
func (r *Report) Owner(channel, chatID string) bool {
	return r.Channel != "" && r.ChatID != "" && r.Channel == channel && r.ChatID == chatID
}

// HasEvent reports whether an event with id is already on the timeline.
func (r *Report) HasEvent(id string) bool {
	return id != "" && slices.ContainsFunc(r.Timeline, func(e Event) bool { return e.ID == id })
}

// Forwarded reports whether the report reached the agency.
func (r *Report) Forwarded() bool { return !r.ForwardedAt.IsZero() }

// LastStatusNote is the note of the latest status change, if any.
func (r *Report) LastStatusNote() string { return r.StatusNote }

// EventKind names a timeline entry.
type EventKind string

// Timeline event kinds.
const (
	EventCreated       EventKind = "created"
	EventForwarded     EventKind = "forwarded"
	EventReply         EventKind = "admin_reply"    // shown to the citizen and in the public thread
	EventQuestion      EventKind = "admin_question" // shown to the citizen
	EventAnswer        EventKind = "citizen_answer"
	EventStatus        EventKind = "status_change" // Text is the note for the citizen
	EventInternalNote  EventKind = "internal_note" // never shown to the citizen or the public
	EventAddition      EventKind = "citizen_addition"
	EventRating        EventKind = "rating"
	EventReopen        EventKind = "reopen"
	EventReassign      EventKind = "reassign"
	EventForwardFailed EventKind = "forward_failed"
)

// Actors that are not an admin's name.
const (
	ActorCitizen   = "citizen"
	ActorSystem    = "system"
	ActorForwarder = "forwarder"
	ActorWebhook   = "webhook"
	ActorPoller    = "poller"
)

// Event is one entry of a report's timeline.
type Event struct {
	ID     string        `json:"id"`
	Kind   EventKind     `json:"kind"`
	Actor  string        `json:"actor"`
	At     time.Time     `json:"at"`
	Text   string        `json:"text,omitempty"`
	From   Status        `json:"from,omitempty"`   // status change: old status
	Status Status        `json:"status,omitempty"` // status change / reopen: new status
	Agency string        `json:"agency,omitempty"` // reassign: new agency; forwarded: agency
	Photos []flows.Photo `json:"photos,omitempty"`
	Rating int           `json:"rating,omitempty"`
	// Delivery is what became of the message this event sent the citizen
	// (an admin's reply, a status notice): nil while it is queued.
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Delivery is the reply sender's report on one message to a citizen.
type Delivery struct {
	Status string    `json:"status"` // DeliverySent or DeliveryFailed
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"` // why it failed, in words an admin reads
}

// Delivery statuses (the reply sender's).
const (
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// Notifies reports whether the event sent the citizen a message whose
// delivery is tracked.
func (e Event) Notifies() bool { return e.Kind == EventReply || e.Kind == EventStatus }

// VisibleToCitizen reports whether the reporter may see the event.
func (e Event) VisibleToCitizen() bool {
	return e.Kind != EventInternalNote && e.Kind != EventForwardFailed
}

// Public reports whether the event belongs to the public thread of a
// (non-rahasia) report: admins' replies only.
func (e Event) Public() bool { return e.Kind == EventReply }
