package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// Texts renders a citizen-facing message (flows/defaults/api.yaml) in a
// language; *flows.Set satisfies it, and so does *YAMLTexts.
type Texts interface {
	Message(lang, key string, vars map[string]string) string
}

// Flow ids started from outside the chat (the lead's follow-up flows).
const (
	FlowResolved = "resolved" // "was it solved?" -> rate or reopen
	FlowAnswer   = "answer"   // the citizen's next message answers an admin
)

// Service is the complaint side's one entry point: the admin console, the
// inbound webhook, the poller and the action handler all change reports
// through it. Its method signatures are stable.
type Service struct {
	rdb      redis.UniversalClient
	k        keys
	st       *store
	catalog  *flows.Catalog
	notifier bot.Notifier
	flows    bot.FlowStarter
	texts    Texts
	log      *slog.Logger
	hookURLs []string
	trk      bot.Keys
	now      func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithOutboundWebhooks makes the service queue report.created,
// report.information_added and report.rated for these URLs (see WebhookSender).
func WithOutboundWebhooks(urls ...string) Option {
	return func(s *Service) { s.hookURLs = append(s.hookURLs, urls...) }
}

// NewService returns the service. notifier and flowStarter may be nil in
// tools and tests that do not talk to citizens.
func NewService(rdb redis.UniversalClient, prefix string, catalog *flows.Catalog, notifier bot.Notifier,
	flowStarter bot.FlowStarter, texts Texts, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if catalog == nil {
		catalog = &flows.Catalog{}
	}
	k := newKeys(prefix)
	s := &Service{
		rdb: rdb, k: k, st: &store{rdb: rdb, k: k}, catalog: catalog,
		notifier: notifier, flows: flowStarter, texts: texts, log: log,
		now: func() time.Time { return time.Now().UTC() }, trk: bot.NewKeys(prefix, 0),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Catalog is the services configuration the service works with.
func (s *Service) Catalog() *flows.Catalog { return s.catalog }

// Get returns the whole report (internal view: the console applies
// AgencyView for agency admins).
func (s *Service) Get(ctx context.Context, number string) (*Report, error) {
	return s.st.get(ctx, NormalizeNumber(number))
}

// NormalizeNumber upper-cases and trims a typed tracking number.
func NormalizeNumber(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

// Reply adds an admin's reply to the timeline and sends it to the citizen.
func (s *Service) Reply(ctx context.Context, number, actor, text string) error {
	return s.adminReply(ctx, number, actor, text, newID())
}

// adminReply is Reply with an idempotency event id (poller).
func (s *Service) adminReply(ctx context.Context, number, actor, text, eventID string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("reply: empty text: %w", ErrInvalid)
	}
	added := false
	r, err := s.st.update(ctx, NormalizeNumber(number), func(r *Report) error {
		if r.HasEvent(eventID) {
			return errNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: eventID, Kind: EventReply, Actor: actor, At: s.now(), Text: text})
		r.WaitingSince = time.Time{}
		added = true
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	if !added {
		return nil
	}
	return s.tell(ctx, r, "admin_reply", map[string]string{"text": text})
}

// AskCitizen asks the citizen a question; their next message is threaded
// into the report as the answer (the "answer" flow).
func (s *Service) AskCitizen(ctx context.Context, number, actor, question string) error {
	question = strings.TrimSpace(question)
	if question == "" {
		return fmt.Errorf("ask citizen: empty question: %w", ErrInvalid)
	}
	r, err := s.st.get(ctx, NormalizeNumber(number))
	if err != nil {
		return fmt.Errorf("ask citizen: %w", err)
	}
	if r.Channel == "" {
		return fmt.Errorf("ask citizen: report %s has no chat to ask: %w", r.Number, ErrInvalid)
	}
	r, err = s.st.update(ctx, r.Number, func(r *Report) error {
		r.Timeline = append(r.Timeline, Event{ID: newID(), Kind: EventQuestion, Actor: actor, At: s.now(), Text: question})
		r.WaitingSince = time.Time{}
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("ask citizen: %w", err)
	}
	intro := s.msg(r.Lang, "admin_question", map[string]string{"number": r.Number, "text": question})
	if s.flows == nil {
		return s.notify(ctx, r, intro)
	}
	if err := s.flows.StartFlow(ctx, r.Channel, r.ChatID, FlowAnswer, r.Number, intro); err != nil {
		return fmt.Errorf("ask citizen %s: start answer flow: %w", r.Number, err)
	}
	return nil
}

// ChangeStatus moves the report to status with a note for the citizen. A
// resolved report starts the "resolved" flow (solved? -> rating or reopen).
func (s *Service) ChangeStatus(ctx context.Context, number, actor string, status Status, noteForCitizen string) error {
	_, err := s.changeStatus(ctx, number, actor, status, noteForCitizen, "")
	return err
}

// changeStatus is ChangeStatus with an idempotency event id (webhooks, poller).
func (s *Service) changeStatus(ctx context.Context, number, actor string, status Status, note, eventID string) (*Report, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("change status to %q: %w", status, ErrInvalid)
	}
	note = strings.TrimSpace(note)
	if eventID == "" {
		eventID = newID()
	}
	changed := false
	r, err := s.st.update(ctx, NormalizeNumber(number), func(r *Report) error {
		if r.HasEvent(eventID) {
			return errNoChange
		}
		if r.Status == status {
			return fmt.Errorf("report %s is already %s: %w", r.Number, status, ErrConflict)
		}
		r.Timeline = append(r.Timeline, Event{ID: eventID, Kind: EventStatus, Actor: actor, At: s.now(),
			From: r.Status, Status: status, Text: note})
		r.Status = status
		r.WaitingSince = time.Time{}
		changed = true
		return nil
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("change status: %w", err)
	}
	if !changed {
		return r, nil
	}
	return r, s.tellStatus(ctx, r, note)
}

// tellStatus tells the citizen about a new status; resolved starts the
// "resolved" flow with the news as its intro.
func (s *Service) tellStatus(ctx context.Context, r *Report, note string) error {
	if r.Channel == "" {
		return nil
	}
	vars := map[string]string{"status": s.statusLabel(r.Lang, r.Status), "note": noteLine(s, r.Lang, note)}
	if r.Status == StatusResolved && s.flows != nil {
		intro := s.msg(r.Lang, "resolved_intro", s.vars(r, vars))
		if err := s.flows.StartFlow(ctx, r.Channel, r.ChatID, FlowResolved, r.Number, intro); err != nil {
			return fmt.Errorf("report %s: start resolved flow: %w", r.Number, err)
		}
		return nil
	}
	return s.tell(ctx, r, "status_changed", vars)
}

// AddInternalNote adds a note only admins see.
func (s *Service) AddInternalNote(ctx context.Context, number, actor, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("internal note: empty text: %w", ErrInvalid)
	}
	_, err := s.st.update(ctx, NormalizeNumber(number), func(r *Report) error {
		r.Timeline = append(r.Timeline, Event{ID: newID(), Kind: EventInternalNote, Actor: actor, At: s.now(), Text: text})
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("internal note: %w", err)
	}
	return nil
}

// Reassign moves the report to another agency of the catalogue.
func (s *Service) Reassign(ctx context.Context, number, actor, agency string) error {
	if _, ok := s.catalog.Agency(agency); !ok {
		return fmt.Errorf("reassign to %q: unknown agency: %w", agency, ErrInvalid)
	}
	_, err := s.st.update(ctx, NormalizeNumber(number), func(r *Report) error {
		if r.Agency == agency {
			return errNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: newID(), Kind: EventReassign, Actor: actor, At: s.now(), Agency: agency,
			Text: r.Agency})
		r.Agency = agency
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("reassign: %w", err)
	}
	return nil
}

// newID returns a random event id.
func newID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// shortHash shortens an internal id (which may hold a chat id) for use
// outside Aduan.
func shortHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:8])
}
