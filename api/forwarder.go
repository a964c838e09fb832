package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api/open311"
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
	box    *outbox
}

const groupForwarders = "forwarders"

// NewForwarder returns a forwarder; run it with Run in one goroutine per
// process (several processes share the work through the consumer group).
func NewForwarder(svc *Service, cfg Config) *Forwarder {
	cfg = cfg.withDefaults()
	f := &Forwarder{svc: svc, cfg: cfg}
	if cfg.ComplaintAPIURL != "" {
		f.client = &open311.Client{BaseURL: cfg.ComplaintAPIURL, APIKey: cfg.ComplaintAPIKey,
			HTTP: &http.Client{Timeout: cfg.HTTPTimeout}}
	}
	consumer := cfg.Consumer
	if consumer == "" {
		consumer = consumerName("fwd")
	}
	f.box = &outbox{
		svc: svc, stream: svc.k.fwdStream(), group: groupForwarders, consumer: consumer, kind: DeadForward,
		retry: cfg.Retry, handle: f.handle, log: svc.log.With("component", "forwarder"),
		target: func(redis.XMessage) string { return cfg.ComplaintAPIURL },
	}
	return f
}

// Run forwards until ctx ends.
func (f *Forwarder) Run(ctx context.Context) error { return f.box.run(ctx) }

// handle forwards one report. Idempotent: a report already forwarded (the
// mapping is recorded) is not filed again; a retry after a lost answer carries
// the same Idempotency-Key.
func (f *Forwarder) handle(ctx context.Context, m redis.XMessage) error {
	number, _ := m.Values["number"].(string)
	r, err := f.svc.st.get(ctx, number)
	if HTTPStatus(err) == http.StatusNotFound {
		return permanent(fmt.Errorf("forward %s: report gone", number))
	}
	if err != nil {
		return err
	}
	if !r.Forwarded() {
		id := r.Number
		if f.client != nil {
			created, err := f.client.PostRequest(ctx, forwardForm(r), r.Number)
			if err != nil {
				return classify(err)
			}
			id = created.ServiceRequestID
			if id == "" {
				id = "token:" + created.Token
			}
		}
		if r, err = f.svc.markForwarded(ctx, r.Number, id, f.client != nil); err != nil {
			return err
		}
	}
	return f.svc.tellForwarded(ctx, r)
}

// classify turns an API error into a delivery error: 4xx other than 408 and
// 429 is permanent; Retry-After is honoured.
func classify(err error) error {
	if se, ok := open311.AsStatusError(err); ok {
		return &deliveryError{err: err, permanent: !se.Retryable(), retryAfter: se.RetryAfter}
	}
	return err
}

// forwardForm is the Open311 POST of a report: the agency view. Name and
// phone only for public identity; never the chat id.
func forwardForm(r *Report) url.Values {
	v := url.Values{
		"service_code":         {r.Category},
		"description":          {forwardDescription(r)},
		"attribute[identity]":  {string(ParseIdentity(string(r.Identity)))},
		"attribute[title]":     {r.Title},
		"attribute[tracking]":  {r.Number},
		"attribute[kecamatan]": {r.Location.Kecamatan},
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
	}
	return v
}

func forwardDescription(r *Report) string {
	var b strings.Builder
	b.WriteString(r.Title)
	b.WriteString("\n\n")
	b.WriteString(r.Description)
	if r.IncidentDate != "" {
		b.WriteString("\n\nTanggal kejadian: " + r.IncidentDate)
	}
	return b.String()
}

// markForwarded records that the report reached the agency under id.
func (s *Service) markForwarded(ctx context.Context, number, id string, external bool) (*Report, error) {
	return s.st.update(ctx, number, func(r *Report) error {
		if r.Forwarded() {
			return errNoChange
		}
		r.ServiceRequestID = id
		r.External = external
		r.ForwardedAt = s.now()
		r.Timeline = append(r.Timeline, Event{ID: "forwarded", Kind: EventForwarded, Actor: ActorForwarder,
			At: r.ForwardedAt, Agency: r.Agency})
		return nil
	}, func(p redis.Pipeliner, r *Report) error {
		if external {
			p.HSet(ctx, s.k.extID(), id, r.Number)
		}
		return nil
	})
}

// tellForwarded tells the citizen, exactly once, that the report reached the
// agency.
func (s *Service) tellForwarded(ctx context.Context, r *Report) error {
	return s.once(ctx, "fwd:"+r.Number, func() error {
		return s.tell(ctx, r, "forwarded", map[string]string{"agency": s.agencyName(r.Agency)})
	})
}
