package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aduan-id/aduan/api/open311"
	"github.com/aduan-id/aduan/bot/queue"
)

// Forwarder files submitted reports with the complaint API. With an external
// ComplaintAPIURL it POSTs requests.json (form-encoded, api_key,
// Idempotency-Key = tracking number) and keeps the service_request_id it got;
// without one, "forwarding" is recording the report as delivered to its
// agency in the built-in store. Either way the citizen is told once.
type Forwarder struct {
	svc    *Service
	cfg    Config
	client *open311.Client
	worker *queue.Worker
}

const groupForwarders = "forwarders"

// NewForwarder returns a forwarder; run it with Run in one goroutine per
// process (several processes share the work through the consumer group). It
// files up to Config.ForwardConcurrency reports at once, so one hanging
// report does not hold up the others.
func NewForwarder(svc *Service, cfg Config) *Forwarder {
	cfg = cfg.withDefaults()
	f := &Forwarder{svc: svc, cfg: cfg}
	if cfg.ComplaintAPIURL != "" {
		f.client = complaintClient(cfg)
	}
	target := "built-in"
	if cfg.ComplaintAPIURL != "" {
		target = redactURL(cfg.ComplaintAPIURL)
	}
	f.worker = svc.newWorker(cfg, DeadForward, groupForwarders, svc.k.fwdStream(), cfg.ForwardConcurrency, f.handle,
		func(m queue.Message) queue.Description {
			return queue.Description{Number: m.Values["number"], Target: target,
				Log: []any{"number", m.Values["number"]}}
		}, svc.forwardFailed, svc.log.With("component", "forwarder"))
	return f
}

// Run forwards until ctx ends.
func (f *Forwarder) Run(ctx context.Context) error { return f.worker.Run(ctx) }

// handle forwards one report. Idempotent: a report already forwarded (the
// mapping is recorded) is not filed again; a retry after a lost answer carries
// the same Idempotency-Key.
func (f *Forwarder) handle(ctx context.Context, m queue.Message) error {
	number := m.Values["number"]
	r, err := f.svc.store.Get(ctx, number)
	if HTTPStatus(err) == http.StatusNotFound {
		return queue.Permanent(fmt.Errorf("forward %s: report gone", number))
	}
	if err != nil {
		return err
	}
	if !r.Forwarded() {
		id, shortened := r.Number, false
		if f.client != nil {
			var form url.Values
			form, shortened = forwardFormFor(r, f.cfg.DescriptionLimit)
			if u := mediaURLFor(f.cfg, r, f.svc.now()); u != "" {
				form.Set("media_url", u) // the agency gets the photos (LAPOR!'s lampiran)
			}
			created, err := f.client.PostRequest(ctx, form, r.Number)
			if err != nil {
				return classify(err)
			}
			id = created.ServiceRequestID
			if id == "" {
				id = "token:" + created.Token
			}
		}
		if _, err = f.svc.markForwarded(ctx, r.Number, id, f.client != nil, shortened); err != nil {
			return err
		}
	}
	return nil
}

// forwardForm is the Open311 POST of a report: the agency view. Name and
// phone only for public identity; never the chat id.
func forwardForm(r *Report) url.Values {
	v, _ := forwardFormFor(r, 0)
	return v
}

// forwardFormFor is forwardForm adapted to a target's description limit
// (0: none); shortened says the description had to be cut.
func forwardFormFor(r *Report, limit int) (url.Values, bool) {
	desc, shortened := fitDescription(forwardDescription(r), r.Number, limit)
	v := url.Values{
		"service_code":         {r.Category},
		"description":          {desc},
		"attribute[identity]":  {string(ParseIdentity(string(r.Identity)))},
		"attribute[title]":     {r.Title},
		"attribute[tracking]":  {r.Number},
		"attribute[kecamatan]": {r.Location.Kecamatan},
	}
	for code, val := range r.Attributes {
		v.Set("attribute["+code+"]", val) // the service's own questions (services.yaml)
	}
	if r.Location.HasPoint() {
		v.Set("lat", strconv.FormatFloat(r.Location.Lat, 'f', -1, 64))
		v.Set("long", strconv.FormatFloat(r.Location.Lon, 'f', -1, 64))
	}
	addr := r.Location.Address
	if addr == "" {
		addr = r.Location.Kecamatan
	}
	if addr != "" {
		v.Set("address_string", addr)
	}
	if r.Identity.ShowsName() {
		first, last, _ := strings.Cut(strings.TrimSpace(r.Contact.Name), " ")
		if first != "" {
			v.Set("first_name", first)
		}
		if last != "" {
			v.Set("last_name", last)
		}
		if r.Contact.Phone != "" {
			v.Set("phone", r.Contact.Phone)
		}
		if r.Contact.Email != "" {
			v.Set("email", r.Contact.Email)
		}
	}
	return v, shortened
}

func forwardDescription(r *Report) string {
	var b strings.Builder
	b.WriteString(r.Title)
	b.WriteString("\n\n")
	b.WriteString(r.Description)
	switch {
	case r.IncidentDate != "" && r.IncidentDateNote != "":
		b.WriteString("\n\nTanggal kejadian: " + r.IncidentDate + " — " + r.IncidentDateNote)
	case r.IncidentDate != "":
		b.WriteString("\n\nTanggal kejadian: " + r.IncidentDate)
	case r.IncidentDateNote != "":
		b.WriteString("\n\nTanggal kejadian: " + r.IncidentDateNote)
	}
	return b.String()
}

// markForwarded records that the report reached the agency under id, and
// tells the citizen in the same transaction (so exactly once).
func (s *Service) markForwarded(ctx context.Context, number, id string, external, shortened bool) (*Report, error) {
	return s.update(ctx, number, func(r *Report) ([]Effect, error) {
		if r.Forwarded() {
			return nil, ErrNoChange
		}
		r.ServiceRequestID = id
		r.External = external
		r.ForwardedAt = s.now()
		r.Timeline = append(r.Timeline, Event{ID: "forwarded", Kind: EventForwarded, Actor: ActorForwarder,
			At: r.ForwardedAt, Agency: r.Agency})
		if shortened {
			r.Timeline = append(r.Timeline, Event{ID: "forward_shortened", Kind: EventInternalNote,
				Actor: ActorForwarder, At: r.ForwardedAt,
				Text: "Uraian dipotong agar diterima sistem tujuan; teks lengkap ada di laporan ini."})
		}
		return s.notice(r, "forwarded", "forwarded", map[string]string{"agency": s.agencyName(r.Agency)}, ""), nil
	})
}

// forwardFailed records on the timeline that the report could not be filed
// with the complaint API and tells the citizen, once, that an officer will
// follow up; the dead letter itself is on the console's "Gagal terkirim"
// page for an admin to retry, edit or discard.
func (s *Service) forwardFailed(ctx context.Context, d DeadLetter) error {
	if d.Number == "" {
		return nil
	}
	id := "forward_failed:" + d.Entry
	_, err := s.update(ctx, d.Number, func(r *Report) ([]Effect, error) {
		if r.HasEvent(id) || r.Forwarded() {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventForwardFailed, Actor: ActorForwarder, At: s.now(),
			Text: d.Error})
		return s.notice(r, id, "forward_failed", nil, ""), nil
	})
	if HTTPStatus(err) == 404 {
		return nil
	}
	return err
}

// redactURL drops a URL's query and user info (they may carry keys) for
// showing or logging it.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}
