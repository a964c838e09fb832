package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

var _ bot.ActionHandler = (*Service)(nil)

// HandleAction acts on an engine action. The follow-up flows thank the
// citizen themselves, so add_info, answer, rate and reopen answer only when
// they are refused (not the reporter, report closed). It is idempotent: submit by tracking
// number; changes by an event id derived from the envelope (the entry id is
// unique within its chat's shard stream); answers to the citizen by a
// once-marker on the same id. An error leaves the entry for a retry.
func (s *Service) HandleAction(ctx context.Context, env bot.ActionEnvelope) error {
	a := env.Action
	var err error
	switch a.Kind {
	case flows.ActionSubmit:
		err = s.submit(ctx, env)
	case flows.ActionStatus:
		err = s.status(ctx, env)
	case flows.ActionMyReports:
		err = s.myReports(ctx, env)
	case flows.ActionAddInfo, flows.ActionAnswer:
		err = s.citizenAddition(ctx, env)
	case flows.ActionRate:
		err = s.rate(ctx, env)
	case flows.ActionReopen:
		err = s.reopen(ctx, env)
	default:
		s.log.Warn("unknown action kind; dropped", "kind", a.Kind)
		return nil
	}
	if err != nil {
		return fmt.Errorf("action %s: %w", a.Kind, err)
	}
	return nil
}

// envID identifies an envelope across shards (entry ids repeat between streams).
func envID(env bot.ActionEnvelope) string {
	return "a:" + env.Channel + ":" + env.ChatID + ":" + env.ID
}

// reply answers the citizen who sent env, once per envelope.
func (s *Service) reply(ctx context.Context, env bot.ActionEnvelope, key string, vars map[string]string) error {
	return s.once(ctx, envID(env)+":reply", func() error {
		if s.notifier == nil {
			return nil
		}
		out := bot.Outbound{Channel: env.Channel, ChatID: env.ChatID, Lang: env.Lang, Text: s.msg(env.Lang, key, vars)}
		if err := s.notifier.Notify(ctx, out); err != nil {
			return fmt.Errorf("answer citizen: %w", err)
		}
		return nil
	})
}

// submit creates the report from the finished complaint flow and queues it
// for forwarding (and report.created webhooks) in the same MULTI.
func (s *Service) submit(ctx context.Context, env bot.ActionEnvelope) error {
	a := env.Action
	number := NormalizeNumber(a.Tracking)
	if number == "" {
		s.log.Error("submit without tracking number; dropped", "channel", env.Channel)
		return nil
	}
	f := a.Fields
	now := s.now()
	at := env.At.UTC()
	if at.IsZero() {
		at = now
	}
	r := &Report{
		Number: number, Category: f["category"], Title: strings.TrimSpace(f["title"]),
		Description: f["description"], IncidentDate: validDate(f["date"]),
		Location: Location{Lat: parseFloat(f["lat"]), Lon: parseFloat(f["lon"]), Address: f["address"],
			Kecamatan: f["kecamatan"]},
		Photos: a.Photos, Identity: ParseIdentity(f["identity"]),
		Contact: Contact{Name: strings.TrimSpace(f["name"]), Phone: strings.TrimSpace(f["phone"])},
		Source:  SourceChat, Channel: env.Channel, ChatID: env.ChatID, Lang: env.Lang,
		Status: StatusReceived, CreatedAt: at, UpdatedAt: now, WaitingSince: at,
	}
	if svc, ok := s.catalog.Service(r.Category); ok {
		r.Agency = svc.Agency
	}
	r.Timeline = []Event{{ID: "created", Kind: EventCreated, Actor: ActorCitizen, At: at}}
	created, err := s.st.create(ctx, r, s.createdExtras)
	if err != nil {
		return err
	}
	if created {
		s.log.Info("report created", "number", number, "category", r.Category, "channel", env.Channel)
	}
	return nil
}

// Report sources.
const (
	SourceChat = "chat"
	SourceAPI  = "api"
)

// status answers "status <number>": everything to the reporter, the public
// part to anyone else, "not found" to a stranger asking about a rahasia one.
func (s *Service) status(ctx context.Context, env bot.ActionEnvelope) error {
	number := NormalizeNumber(env.Action.Args["number"])
	r, err := s.lookup(ctx, number)
	if err != nil {
		return err
	}
	lang := env.Lang
	switch {
	case r == nil || (!r.Owner(env.Channel, env.ChatID) && !r.Identity.Public()):
		return s.reply(ctx, env, "not_found", map[string]string{"number": number})
	case r.Owner(env.Channel, env.ChatID):
		vars := s.vars(r, map[string]string{
			"status": s.statusLabel(lang, r.Status), "agency": s.agencyName(r.Agency),
			"date": r.CreatedAt.Format("2006-01-02"), "note": noteLine(s, lang, r.LastStatusNote()), "reply": "",
		})
		if rep := lastReply(r); rep != "" {
			vars["reply"] = s.msg(lang, "last_reply_line", map[string]string{"text": rep})
		}
		return s.reply(ctx, env, "status_owner", vars)
	default:
		return s.reply(ctx, env, "status_public", map[string]string{
			"number": r.Number, "status": s.statusLabel(lang, r.Status),
			"category": s.serviceName(lang, r.Category), "date": r.CreatedAt.Format("2006-01-02"),
		})
	}
}

// lookup returns the report or nil when there is none.
func (s *Service) lookup(ctx context.Context, number string) (*Report, error) {
	if number == "" {
		return nil, nil
	}
	r, err := s.st.get(ctx, number)
	if err != nil {
		if HTTPStatus(err) == 404 {
			return nil, nil
		}
		return nil, err
	}
	return r, nil
}

// myReportsMax caps the "my reports" list.
const myReportsMax = 10

// myReports lists the citizen's own reports with their status, newest first:
// from the per-chat index (which outlives the session), else from the
// numbers the session remembers.
func (s *Service) myReports(ctx context.Context, env bot.ActionEnvelope) error {
	numbers, err := s.rdb.ZRevRange(ctx, s.k.idxChat(env.Channel, env.ChatID), 0, myReportsMax-1).Result()
	if err != nil {
		return fmt.Errorf("my reports: %w", err)
	}
	if len(numbers) == 0 {
		numbers = strings.Fields(env.Action.Args["numbers"])
		slices.Reverse(numbers)
		numbers = numbers[:min(len(numbers), myReportsMax)]
	}
	var lines []string
	for _, n := range numbers {
		r, err := s.lookup(ctx, NormalizeNumber(n))
		if err != nil {
			return err
		}
		if r == nil || !r.Owner(env.Channel, env.ChatID) {
			continue
		}
		lines = append(lines, s.msg(env.Lang, "my_reports_line", map[string]string{
			"number": r.Number, "title": r.Title, "status": s.statusLabel(env.Lang, r.Status)}))
	}
	if len(lines) == 0 {
		return s.reply(ctx, env, "my_reports_empty", nil)
	}
	return s.reply(ctx, env, "my_reports", map[string]string{"list": strings.Join(lines, "\n")})
}

// ownedOpen loads a report the sender owns; it answers the citizen and
// returns nil when they may not change it.
func (s *Service) ownedOpen(ctx context.Context, env bot.ActionEnvelope, needOpen bool) (*Report, error) {
	number := NormalizeNumber(env.Action.Args["number"])
	r, err := s.lookup(ctx, number)
	if err != nil {
		return nil, err
	}
	if r == nil || !r.Owner(env.Channel, env.ChatID) {
		return nil, s.reply(ctx, env, "not_yours", map[string]string{"number": number})
	}
	if needOpen && !r.Status.Open() {
		return nil, s.reply(ctx, env, "report_closed", map[string]string{
			"number": r.Number, "status": s.statusLabel(env.Lang, r.Status)})
	}
	return r, nil
}

// citizenAddition threads added information (add_info) or an answer to an
// admin's question (answer) into an open report.
func (s *Service) citizenAddition(ctx context.Context, env bot.ActionEnvelope) error {
	a := env.Action
	r, err := s.ownedOpen(ctx, env, true)
	if r == nil || err != nil {
		return err
	}
	kind, text, hook := EventAddition, a.Fields["info"], HookInformationAdded
	if text == "" {
		text = a.Args["info"]
	}
	if a.Kind == flows.ActionAnswer {
		kind, text, hook = EventAnswer, a.Args["text"], HookAnswered
	}
	id := envID(env)
	_, err = s.st.update(ctx, r.Number, func(r *Report) error {
		if r.HasEvent(id) {
			return errNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: kind, Actor: ActorCitizen, At: s.now(), Text: text,
			Photos: a.Photos})
		if r.WaitingSince.IsZero() {
			r.WaitingSince = s.now()
		}
		return nil
	}, s.hookExtras(hook, id, map[string]any{"text": text, "photos": len(a.Photos)}))
	return err // the flow itself thanked the citizen
}

// rate records the citizen's rating of a resolved report.
func (s *Service) rate(ctx context.Context, env bot.ActionEnvelope) error {
	a := env.Action
	rating, err := strconv.Atoi(strings.TrimSpace(a.Args["rating"]))
	if err != nil || rating < 1 || rating > 5 {
		return s.reply(ctx, env, "rate_invalid", nil)
	}
	r, err := s.ownedOpen(ctx, env, false)
	if r == nil || err != nil {
		return err
	}
	if r.Status != StatusResolved {
		return s.reply(ctx, env, "rate_not_resolved", map[string]string{"number": r.Number})
	}
	id := envID(env)
	comment := strings.TrimSpace(a.Args["comment"])
	_, err = s.st.update(ctx, r.Number, func(r *Report) error {
		if r.HasEvent(id) {
			return errNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventRating, Actor: ActorCitizen, At: s.now(),
			Rating: rating, Text: comment})
		r.Rating, r.RatingComment = rating, comment
		return nil
	}, s.hookExtras(HookRated, id, map[string]any{"rating": rating, "comment": comment}))
	return err // the flow itself thanked the citizen
}

// reopen puts a resolved report back in progress with the citizen's note.
func (s *Service) reopen(ctx context.Context, env bot.ActionEnvelope) error {
	r, err := s.ownedOpen(ctx, env, false)
	if r == nil || err != nil {
		return err
	}
	id := envID(env)
	if r.Status != StatusResolved && !r.HasEvent(id) {
		return s.reply(ctx, env, "reopen_not_resolved", map[string]string{"number": r.Number})
	}
	note := strings.TrimSpace(env.Action.Args["note"])
	_, err = s.st.update(ctx, r.Number, func(r *Report) error {
		if r.HasEvent(id) {
			return errNoChange
		}
		if r.Status != StatusResolved {
			return errNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventReopen, Actor: ActorCitizen, At: s.now(),
			From: r.Status, Status: StatusInProgress, Text: note})
		r.Status = StatusInProgress
		r.WaitingSince = s.now()
		return nil
	}, s.hookExtras(HookReopened, id, map[string]any{"note": note}))
	return err // the flow itself told the citizen
}

func lastReply(r *Report) string {
	for i := len(r.Timeline) - 1; i >= 0; i-- {
		if r.Timeline[i].Kind == EventReply {
			return r.Timeline[i].Text
		}
	}
	return ""
}

func (s *Service) agencyName(code string) string {
	if a, ok := s.catalog.Agency(code); ok {
		return a.Name
	}
	return code
}

func (s *Service) serviceName(lang, code string) string {
	if sv, ok := s.catalog.Service(code); ok {
		return sv.Name.In(lang)
	}
	return code
}

func parseFloat(v string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0
	}
	return f
}

// validDate keeps a YYYY-MM-DD date, drops anything else.
func validDate(v string) string {
	v = strings.TrimSpace(v)
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return ""
	}
	return v
}
