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
// through it. Reports live in a ReportStore (SQL); Redis holds the streams
// the relay feeds and the tracking-number reservations shared with the
// dispatcher.
type Service struct {
	store    ReportStore
	citizens Citizens
	rdb      redis.UniversalClient
	k        keys
	catalog  *flows.Catalog
	texts    Texts
	log      *slog.Logger
	hookURLs []string
	trk      bot.Keys
	now      func() time.Time
	// kicked wakes this process's relay after a commit with effects.
	kicked chan struct{}
}

// Option configures a Service.
type Option func(*Service)

// WithOutboundWebhooks makes the service queue report.created,
// report.information_added and report.rated for these URLs (see WebhookSender).
func WithOutboundWebhooks(urls ...string) Option {
	return func(s *Service) { s.hookURLs = append(s.hookURLs, urls...) }
}

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// NewService returns the service over store. rdb carries the forward and
// webhook streams and the tracking-number reservations; citizens is where
// answers and (through the Relay) notices go.
func NewService(store ReportStore, rdb redis.UniversalClient, prefix string, catalog *flows.Catalog,
	citizens Citizens, texts Texts, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if catalog == nil {
		catalog = &flows.Catalog{}
	}
	s := &Service{
		store: store, citizens: citizens, rdb: rdb, k: newKeys(prefix), catalog: catalog, texts: texts, log: log,
		now: func() time.Time { return time.Now().UTC() }, trk: bot.NewKeys(prefix, 0),
		kicked: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Catalog is the services configuration the service works with.
func (s *Service) Catalog() *flows.Catalog { return s.catalog }

// Store is the report store the service works on.
func (s *Service) Store() ReportStore { return s.store }

// Get returns the whole report (internal view: the console applies
// AgencyView for agency admins).
func (s *Service) Get(ctx context.Context, number string) (*Report, error) {
	return s.store.Get(ctx, NormalizeNumber(number))
}

// NormalizeNumber upper-cases and trims a typed tracking number.
func NormalizeNumber(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

// update changes a report through the store and wakes the relay.
func (s *Service) update(ctx context.Context, number string, fn func(r *Report) ([]Effect, error)) (*Report, error) {
	r, err := s.store.Update(ctx, number, fn)
	if err != nil {
		return nil, err
	}
	s.kick()
	return r, nil
}

// kick wakes the relay of this process (no-op when it is awake already).
func (s *Service) kick() {
	select {
	case s.kicked <- struct{}{}:
	default:
	}
}

// Reply adds an admin's reply to the timeline and sends it to the citizen.
// requestID makes a repeated submission (the same form sent twice after a
// network error) a no-op; empty means "always a new reply".
func (s *Service) Reply(ctx context.Context, number, actor, text, requestID string) error {
	return s.adminReply(ctx, number, actor, text, eventID("reply", requestID))
}

// eventID is the timeline event id of an admin request: derived from the
// request's idempotency id when there is one, random otherwise.
func eventID(kind, requestID string) string {
	if requestID = strings.TrimSpace(requestID); requestID == "" {
		return newID()
	}
	return kind + ":" + shortHash(requestID)
}

// adminReply is Reply with an idempotency event id (poller, webhooks).
func (s *Service) adminReply(ctx context.Context, number, actor, text, eventID string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("reply: empty text: %w", ErrInvalid)
	}
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if r.HasEvent(eventID) {
			return nil, ErrNoChange
		}
		return s.applyReply(r, actor, text, eventID), nil
	})
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	return nil
}

// applyReply adds an admin's reply to r and returns the notice for the
// citizen and report.replied for the webhooks.
func (s *Service) applyReply(r *Report, actor, text, eventID string) []Effect {
	now := s.now()
	r.Timeline = append(r.Timeline, Event{ID: eventID, Kind: EventReply, Actor: actor, At: now, Text: text})
	r.WaitingSince = time.Time{}
	s.responded(r, now)
	return append(s.notice(r, eventID, "admin_reply", map[string]string{"text": text}, ref(r.Number, eventID)),
		s.replyHook(r, actor, text, eventID)...)
}

// responded records the first time an admin answered the citizen.
func (s *Service) responded(r *Report, at time.Time) {
	if r.FirstResponseAt.IsZero() {
		r.FirstResponseAt = at
	}
}

// AskCitizen asks the citizen a question; their next message is threaded
// into the report as the answer (the "answer" flow).
func (s *Service) AskCitizen(ctx context.Context, number, actor, question, requestID string) error {
	return s.askCitizen(ctx, number, actor, question, eventID("ask", requestID))
}

func (s *Service) askCitizen(ctx context.Context, number, actor, question, eventID string) error {
	question = strings.TrimSpace(question)
	if question == "" {
		return fmt.Errorf("ask citizen: empty question: %w", ErrInvalid)
	}
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if r.HasEvent(eventID) {
			return nil, ErrNoChange
		}
		if r.Channel == "" {
			return nil, fmt.Errorf("report %s has no chat to ask: %w", r.Number, ErrInvalid)
		}
		now := s.now()
		r.Timeline = append(r.Timeline, Event{ID: eventID, Kind: EventQuestion, Actor: actor, At: now, Text: question})
		r.WaitingSince = time.Time{}
		s.responded(r, now)
		intro := s.msg(r.Lang, "admin_question", map[string]string{"number": r.Number, "text": question})
		return s.startFlow(r, eventID, FlowAnswer, intro), nil
	})
	if err != nil {
		return fmt.Errorf("ask citizen: %w", err)
	}
	return nil
}

// ChangeStatus moves the report to status with a note for the citizen. A
// resolved report starts the "resolved" flow (solved? -> rating or reopen).
func (s *Service) ChangeStatus(ctx context.Context, number, actor string, status Status, noteForCitizen, requestID string) error {
	_, err := s.changeStatus(ctx, number, actor, status, noteForCitizen, eventID("status", requestID))
	return err
}

// changeStatus is ChangeStatus with an idempotency event id (webhooks, poller).
func (s *Service) changeStatus(ctx context.Context, number, actor string, status Status, note, eventID string) (*Report, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("change status to %q: %w", status, ErrInvalid)
	}
	note = strings.TrimSpace(note)
	r, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if r.HasEvent(eventID) {
			return nil, ErrNoChange
		}
		if r.Status == status {
			return nil, fmt.Errorf("report %s is already %s: %w", r.Number, status, ErrConflict)
		}
		return s.applyStatus(r, actor, status, note, eventID), nil
	})
	if err != nil {
		return nil, fmt.Errorf("change status: %w", err)
	}
	return r, nil
}

// applyStatus moves r to status and returns what the citizen is told and
// report.status_changed for the webhooks.
func (s *Service) applyStatus(r *Report, actor string, status Status, note, eventID string) []Effect {
	now := s.now()
	from := r.Status
	r.Timeline = append(r.Timeline, Event{ID: eventID, Kind: EventStatus, Actor: actor, At: now,
		From: from, Status: status, Text: note})
	r.Status = status
	r.StatusNote = note
	r.WaitingSince = time.Time{}
	if note != "" || !status.Open() {
		s.responded(r, now)
	}
	return append(s.statusEffects(r, eventID, note), s.statusHook(r, actor, from, note, eventID)...)
}

// statusEffects tell the citizen about a new status; resolved starts the
// "resolved" flow with the news as its intro.
func (s *Service) statusEffects(r *Report, eventID, note string) []Effect {
	vars := map[string]string{"status": s.statusLabel(r.Lang, r.Status), "note": noteLine(s, r.Lang, note)}
	if r.Status == StatusResolved {
		return s.startFlow(r, eventID, FlowResolved, s.msg(r.Lang, "resolved_intro", s.vars(r, vars)))
	}
	return s.notice(r, eventID, "status_changed", vars, ref(r.Number, eventID))
}

// AddInternalNote adds a note only admins see.
func (s *Service) AddInternalNote(ctx context.Context, number, actor, text, requestID string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("internal note: empty text: %w", ErrInvalid)
	}
	id := eventID("note", requestID)
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if r.HasEvent(id) {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventInternalNote, Actor: actor, At: s.now(), Text: text})
		return nil, nil
	})
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
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if r.Agency == agency {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: newID(), Kind: EventReassign, Actor: actor, At: s.now(), Agency: agency,
			Text: r.Agency})
		r.Agency = agency
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("reassign: %w", err)
	}
	return nil
}

// Ping checks the report store (for /readyz).
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

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
