package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/aduan-id/aduan/api/open311"
	"github.com/aduan-id/aduan/flows"
)

// open311Request is the public Open311 view of a report: no name, no
// contact, no chat id, no internal notes; admins' replies as a thread. Times
// are in the region's zone (e.g. 2026-11-30T08:02:03+07:00).
func (s *Service) open311Request(r *Report, lang string) open311.Request {
	loc := s.zone()
	q := open311.Request{
		ServiceRequestID:  r.Number,
		Status:            r.Status.Open311Status(),
		StatusNotes:       r.LastStatusNote(),
		ServiceName:       s.serviceName(lang, r.Category),
		ServiceCode:       r.Category,
		Description:       r.Description,
		AgencyResponsible: s.agencyName(r.Agency),
		ServiceNotice:     s.serviceNotice(lang, r.Category),
		RequestedDatetime: w3c(r.CreatedAt, loc),
		UpdatedDatetime:   w3c(r.UpdatedAt, loc),
		Address:           r.Location.Address,
		Title:             r.Title,
		StatusDetail:      string(r.Status),
		LaporStatus:       r.Status.LaporStatus(),
		Identity:          string(ParseIdentity(string(r.Identity))),
		Channel:           r.Channel,
		Kecamatan:         r.Location.Kecamatan,
	}
	if r.Location.HasPoint() {
		lat, lon := r.Location.Lat, r.Location.Lon
		q.Lat, q.Long = &lat, &lon
	}
	for _, e := range r.PublicReplies() {
		q.Replies = append(q.Replies, open311.Reply{Text: e.Text, At: w3c(e.At, loc)})
	}
	return q
}

// w3c formats t as a W3C datetime in loc, with its offset.
func w3c(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// serviceNotice is the service's Open311 service_notice in lang.
func (s *Service) serviceNotice(lang, code string) string {
	if sv, ok := s.catalog.Service(code); ok {
		return sv.Notice.In(lang)
	}
	return ""
}

var zones sync.Map // IANA name -> *time.Location

// zone is the region's time zone: the one the catalogue loaded, else its
// configured name (a catalogue read without validation), else Asia/Jakarta.
func (s *Service) zone() *time.Location {
	if loc := s.catalog.Region.Location(); loc != time.UTC {
		return loc
	}
	name := s.catalog.Region.Timezone
	if name == "" {
		name = "Asia/Jakarta"
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// workingDays is the calendar of expected_datetime: Monday to Friday, except
// holidays, in one zone (the console keeps the same rule for its SLA).
type workingDays struct {
	loc      *time.Location
	holidays map[string]bool // YYYY-MM-DD
}

func newWorkingDays(loc *time.Location, holidays []string) workingDays {
	w := workingDays{loc: loc, holidays: map[string]bool{}}
	for _, h := range holidays {
		if d, err := time.Parse(time.DateOnly, h); err == nil {
			w.holidays[d.Format(time.DateOnly)] = true
		}
	}
	return w
}

func (w workingDays) working(day time.Time) bool {
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !w.holidays[day.Format(time.DateOnly)]
}

// due is the end of the n-th working day after the day of start: a request
// filed on a Friday evening with n=3 is due at the end of Wednesday.
func (w workingDays) due(start time.Time, n int) time.Time {
	d := start.In(w.loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, w.loc)
	for left, guard := n, 0; left > 0 && guard < 3660; guard++ {
		day = day.AddDate(0, 0, 1)
		if w.working(day) {
			left--
		}
	}
	return day.AddDate(0, 0, 1)
}

// complaintClient is the Open311 client of the external complaint API
// (nil without one): its URL, key and jurisdiction_id, cfg's timeout.
func complaintClient(cfg Config) *open311.Client {
	if cfg.ComplaintAPIURL == "" {
		return nil
	}
	timeout := cfg.HTTPTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &open311.Client{BaseURL: cfg.ComplaintAPIURL, APIKey: cfg.ComplaintAPIKey,
		Jurisdiction: cfg.ComplaintAPIJurisdiction, HTTP: &http.Client{Timeout: timeout}}
}

func (s *Service) open311Services(lang string) []open311.Service {
	out := make([]open311.Service, 0, len(s.catalog.Services))
	for _, sv := range s.catalog.Services {
		out = append(out, open311.Service{
			ServiceCode: sv.Code, ServiceName: sv.Name.In(lang), Description: sv.Description.In(lang),
			Metadata: true, Type: "realtime", Keywords: sv.Group, Group: sv.Group,
		})
	}
	return out
}

// identityAttribute is the one attribute every service takes: how visible
// the reporter is. def is the service's mode when the attribute is absent.
func identityAttribute(lang string, def Identity) open311.Attribute {
	desc := "Identitas pelapor: public (nama terlihat), anonim (nama disembunyikan), rahasia (laporan tidak publik)"
	if lang == "en" {
		desc = "Reporter identity: public (name shown), anonim (name hidden), rahasia (report not public)"
	}
	return open311.Attribute{
		Variable: true, Code: "identity", Datatype: "singlevaluelist", Required: false,
		DatatypeDescription: "public | anonim | rahasia; when absent " + string(def) +
			"; any other value is treated as rahasia",
		Order: 1, Description: desc,
		Values: []open311.AttributeValue{
			{Key: string(IdentityPublic), Name: "Public"},
			{Key: string(IdentityAnonim), Name: "Anonim"},
			{Key: string(IdentityRahasia), Name: "Rahasia"},
		},
	}
}

// apiIdentity is the identity of a POST without attribute[identity]: the
// service's api_identity, public by default.
func (s *Service) apiIdentity(code string) Identity {
	if sv, ok := s.catalog.Service(code); ok && sv.APIIdentity != "" {
		return ParseIdentity(sv.APIIdentity)
	}
	return IdentityPublic
}

// serviceAttributes are a service's own questions (services.yaml
// attributes) as Open311 attributes, after identity: what the chat asks,
// a client may send as attribute[code].
func serviceAttributes(cat *flows.Catalog, code, lang string) []open311.Attribute {
	svc, ok := cat.Service(code)
	if !ok {
		return nil
	}
	out := make([]open311.Attribute, 0, len(svc.Attributes))
	for i, a := range svc.Attributes {
		oa := open311.Attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: i + 2,
			Description: a.Description.In(lang), DatatypeDescription: a.Label.In(lang)}
		for _, v := range a.Values {
			oa.Values = append(oa.Values, open311.AttributeValue{Key: v.Key, Name: v.Name.In(lang)})
		}
		out = append(out, oa)
	}
	return out
}
