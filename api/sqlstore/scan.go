package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/flows"
)

// reportCols are the columns a Report is read from, in scanReport's order.
var reportCols = []string{
	"number", "category", "agency", "title", "description", "incident_date",
	"lat", "lon", "address", "kecamatan", "photos", "identity",
	"contact_name", "contact_phone", "source", "channel", "chat_id", "lang",
	"status", "created_at", "updated_at", "waiting_since",
	"service_request_id", "forwarded_at", "external", "external_status", "external_notes",
	"rating", "rating_comment", "first_response_at", "status_note",
	// migration 00003: the Open311 filer's contact, the filing key, published photos
	"contact_email", "contact_account", "filer", "published_photos",
	// migration 00004: a service's own questions' answers, the date's note
	"attributes", "incident_date_note",
}

// derivedCols are written with a report for the queries; never read back.
var derivedCols = []string{"kecamatan_key", "phone_key", "created_day", "response_ms", "search"}

// writeCols are reportRow's columns: reportCols then derivedCols.
var writeCols = append(append([]string(nil), reportCols...), derivedCols...)

// selectReport is "r.number, r.category, ..." for SELECTs from reports r.
var selectReport = "r." + strings.Join(reportCols, ", r.")

// reportRow is the bind values of writeCols for r, cleaned.
func (s *Store) reportRow(r *api.Report) []any {
	var response any
	if !r.FirstResponseAt.IsZero() {
		response = r.FirstResponseAt.Sub(r.CreatedAt).Milliseconds()
	}
	return []any{
		clean(r.Number), clean(r.Category), clean(r.Agency), clean(r.Title),
		clean(r.Description), clean(r.IncidentDate),
		r.Location.Lat, r.Location.Lon, clean(r.Location.Address), clean(r.Location.Kecamatan),
		photosJSON(r.Photos), identityKey(r.Identity),
		clean(r.Contact.Name), clean(r.Contact.Phone), clean(r.Source), clean(r.Channel),
		clean(r.ChatID), clean(r.Lang),
		clean(string(r.Status)), s.t(r.CreatedAt), s.t(r.UpdatedAt), s.t(r.WaitingSince),
		clean(r.ServiceRequestID), s.t(r.ForwardedAt), r.External, clean(r.ExternalStatus),
		clean(r.ExternalNotes),
		r.Rating, clean(r.RatingComment), s.t(r.FirstResponseAt), clean(r.StatusNote),
		clean(r.Contact.Email), clean(r.Contact.AccountID), clean(r.Filer), publishedJSON(r.PublishedPhotos),
		attributesJSON(r.Attributes), clean(r.IncidentDateNote),
		// derived
		key(r.Location.Kecamatan), phoneKey(r.Contact.Phone),
		r.CreatedAt.In(s.loc).Format("2006-01-02"), response, searchText(r),
	}
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanReport reads reportCols (then extra destinations) into a Report.
func scanReport(sc rowScanner, extra ...any) (*api.Report, error) {
	var r api.Report
	var photos, published, attributes sql.NullString
	dest := []any{
		&r.Number, &r.Category, &r.Agency, &r.Title, &r.Description, &r.IncidentDate,
		&r.Location.Lat, &r.Location.Lon, &r.Location.Address, &r.Location.Kecamatan, &photos, &r.Identity,
		&r.Contact.Name, &r.Contact.Phone, &r.Source, &r.Channel, &r.ChatID, &r.Lang,
		&r.Status, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt}, timeCol{&r.WaitingSince},
		&r.ServiceRequestID, timeCol{&r.ForwardedAt}, &r.External, &r.ExternalStatus, &r.ExternalNotes,
		&r.Rating, &r.RatingComment, timeCol{&r.FirstResponseAt}, &r.StatusNote,
		&r.Contact.Email, &r.Contact.AccountID, &r.Filer, &published,
		&attributes, &r.IncidentDateNote,
	}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	var err error
	if attributes.Valid && attributes.String != "" {
		if err := json.Unmarshal([]byte(attributes.String), &r.Attributes); err != nil {
			return nil, fmt.Errorf("report %s: attributes: %w", r.Number, err)
		}
	}
	if r.Photos, err = parsePhotos(photos); err != nil {
		return nil, fmt.Errorf("report %s: %w", r.Number, err)
	}
	if r.PublishedPhotos, err = parsePublished(published); err != nil {
		return nil, fmt.Errorf("report %s: %w", r.Number, err)
	}
	return &r, nil
}

// eventCols are the columns of an event after its number.
var eventCols = []string{"event_id", "kind", "actor", "at", "text", "from_status", "status", "agency", "photos", "rating"}

// eventRow is the bind values of eventCols for e, cleaned. An empty event id
// is NULL: events without an id do not collide in the unique index. An event
// without a time happened when it is written.
func (s *Store) eventRow(e *api.Event) []any {
	var id any
	if e.ID != "" {
		id = clean(e.ID)
	}
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	return []any{
		id, clean(string(e.Kind)), clean(e.Actor), s.t(at), clean(e.Text),
		clean(string(e.From)), clean(string(e.Status)), clean(e.Agency), photosJSON(e.Photos), e.Rating,
	}
}

// scanEvent reads (extra destinations, then) eventCols into an Event.
func scanEvent(sc rowScanner, extra ...any) (api.Event, error) {
	var e api.Event
	var id, photos sql.NullString
	dest := append(extra, &id, &e.Kind, &e.Actor, timeCol{&e.At}, &e.Text, &e.From, &e.Status,
		&e.Agency, &photos, &e.Rating)
	if err := sc.Scan(dest...); err != nil {
		return e, err
	}
	e.ID = id.String
	var err error
	e.Photos, err = parsePhotos(photos)
	return e, err
}

// photosJSON is the stored form of photo metadata: a JSON array, or NULL.
func photosJSON(ps []flows.Photo) any {
	if len(ps) == 0 {
		return nil
	}
	cp := make([]flows.Photo, len(ps))
	for i, p := range ps {
		cp[i] = flows.Photo{Ref: clean(p.Ref), ContentType: clean(p.ContentType), Size: p.Size}
	}
	b, _ := json.Marshal(cp) // cannot fail: strings and an integer
	return string(b)
}

func parsePhotos(v sql.NullString) ([]flows.Photo, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	var ps []flows.Photo
	if err := json.Unmarshal([]byte(v.String), &ps); err != nil {
		return nil, fmt.Errorf("decode photos: %w", err)
	}
	return ps, nil
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }

// placeholders is "($k+1, ..., $k+n)" for a row of n values after k.
func placeholders(a *args, vals []any) string {
	ps := make([]string, len(vals))
	for i, v := range vals {
		ps[i] = a.add(v)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

// attributesJSON is the stored form of a report's attribute answers (NULL
// for none), cleaned like every other text.
func attributesJSON(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[clean(k)] = clean(v)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil // a map of strings always encodes
	}
	return string(raw)
}
