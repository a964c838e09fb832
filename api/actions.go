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

// HandleAction acts on an engine action. It is idempotent: submit by
// tracking number; report changes by an event id derived from the envelope
// (the entry id is unique within its chat's shard stream); answers to the
// citizen by an effect or notice id derived from the same envelope. An error
// leaves the entry for a retry.
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

// reply answers the citizen who sent env, once per envelope, when no report
// changes (a status query, a refusal).
func (s *Service) reply(ctx context.Context, env bot.ActionEnvelope, key string, vars map[string]string) error {
	if s.citizens == nil {
		return nil
	}
	out := bot.Outbound{Channel: env.Channel, ChatID: env.ChatID, Lang: env.Lang, Text: s.msg(env.Lang, key, vars)}
	if err := s.citizens.NotifyOnce(ctx, envID(env)+":reply", out); err != nil {
		return fmt.Errorf("answer citizen: %w", err)
	}
	return nil
}

// submit creates the report from the finished complaint flow; its forward
// and report.created webhooks commit in the same transaction.
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
		Location: Location{Address: f["address"], Kecamatan: f["kecamatan"]},
		Photos:   a.Photos, Identity: ParseIdentity(f["identity"]),
		Contact: Contact{Name: strings.TrimSpace(f["name"]), Phone: strings.TrimSpace(f["phone"])},
		Source:  SourceChat, Channel: env.Channel, ChatID: env.ChatID, Lang: env.Lang,
		Status: StatusReceived, CreatedAt: at, UpdatedAt: now, WaitingSince: at,
	}
	r.IncidentDateNote, r.Attributes = dateNote(f), attributes(f)
	if lat, lon, ok := validPoint(f["lat"], f["lon"]); ok {
		r.Location.Lat, r.Location.Lon = lat, lon
	}
	if svc, ok := s.catalog.Service(r.Category); ok {
		r.Agency = svc.Agency
	}
	r.Timeline = []Event{{ID: "created", Kind: EventCreated, Actor: ActorCitizen, At: at}}
	created, err := s.store.Create(ctx, r, s.createdEffects(r))
	if err != nil {
		return fmt.Errorf("submit %s: %w", number, err)
	}
	if created {
		s.kick()
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
	r, err := s.store.Get(ctx, number)
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
// from the store (which outlives the session), else from the numbers the
// session remembers.
func (s *Service) myReports(ctx context.Context, env bot.ActionEnvelope) error {
	reports, err := s.store.ByChat(ctx, env.Channel, env.ChatID, myReportsMax)
	if err != nil {
		return fmt.Errorf("my reports: %w", err)
	}
	if len(reports) == 0 {
		numbers := strings.Fields(env.Action.Args["numbers"])
		slices.Reverse(numbers)
		for _, n := range numbers[:min(len(numbers), myReportsMax)] {
			r, err := s.lookup(ctx, NormalizeNumber(n))
			if err != nil {
				return err
			}
			if r != nil && r.Owner(env.Channel, env.ChatID) {
				reports = append(reports, r)
			}
		}
	}
	var lines []string
	for _, r := range reports {
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
	if needOpen && !r.Status.Open() && !r.HasEvent(envID(env)) {
		return nil, s.reply(ctx, env, "report_closed", map[string]string{
			"number": r.Number, "status": s.statusLabel(env.Lang, r.Status)})
	}
	return r, nil
}

// citizenAddition threads added information (add_info) or an answer to an
// admin's question (answer) into an open report, and thanks the citizen in
// the same transaction: the thanks is sent only when it is really stored.
func (s *Service) citizenAddition(ctx context.Context, env bot.ActionEnvelope) error {
	a := env.Action
	r, err := s.ownedOpen(ctx, env, true)
	if r == nil || err != nil {
		return err
	}
	kind, text, hook, thanks := EventAddition, a.Fields["info"], HookInformationAdded, "info_added"
	if text == "" {
		text = a.Args["info"]
	}
	if a.Kind == flows.ActionAnswer {
		kind, text, hook, thanks = EventAnswer, a.Args["text"], HookAnswered, "answer_added"
	}
	id := envID(env)
	_, err = s.update(ctx, r.Number, func(r *Report) ([]Effect, error) {
		if r.HasEvent(id) {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: kind, Actor: ActorCitizen, At: s.now(), Text: text,
			Photos: a.Photos})
		if r.WaitingSince.IsZero() {
			r.WaitingSince = s.now()
		}
		effects := s.answer(r.Number, env, thanks, map[string]string{"number": r.Number})
		return append(effects, s.hookEffects(r, hook, id, map[string]any{"text": text, "photos": len(a.Photos)})...), nil
	})
	return err
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
	id := envID(env)
	if r.Status != StatusResolved && !r.HasEvent(id) {
		return s.reply(ctx, env, "rate_not_resolved", map[string]string{"number": r.Number})
	}
	comment := strings.TrimSpace(a.Args["comment"])
	_, err = s.update(ctx, r.Number, func(r *Report) ([]Effect, error) {
		if r.HasEvent(id) {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventRating, Actor: ActorCitizen, At: s.now(),
			Rating: rating, Text: comment})
		r.Rating, r.RatingComment = rating, comment
		return s.hookEffects(r, HookRated, id, map[string]any{"rating": rating, "comment": comment}), nil
	})
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
	_, err = s.update(ctx, r.Number, func(r *Report) ([]Effect, error) {
		if r.HasEvent(id) || r.Status != StatusResolved {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: id, Kind: EventReopen, Actor: ActorCitizen, At: s.now(),
			From: r.Status, Status: StatusInProgress, Text: note})
		r.Status = StatusInProgress
		r.WaitingSince = s.now()
		return s.hookEffects(r, HookReopened, id, map[string]any{"note": note}), nil
	})
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

// validPoint parses a map point; ok is false for anything that is not a
// finite WGS84 coordinate pair (NaN from a raw WhatsApp double, 91, "").
// The engine re-asks such input; this is the last guard before the record.
func validPoint(lat, lon string) (float64, float64, bool) {
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil || !validCoordinates(la, lo) || (la == 0 && lo == 0) {
		return 0, 0, false
	}
	return la, lo, true
}

// validCoordinates: finite and in range (NaN fails every comparison).
func validCoordinates(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// dateNote is how sure the citizen was of the date (the flows' date_approx
// and date_unknown fields, with their own words in date_text).
func dateNote(f map[string]string) string {
	words := strings.TrimSpace(f["date_text"])
	note := ""
	switch {
	case f["date_unknown"] == "1":
		note = "tidak diketahui"
	case f["date_approx"] == "1":
		note = "sekitar"
	default:
		return ""
	}
	if words != "" {
		note += " (" + words + ")"
	}
	return note
}

// attributes are the answers to the service's own questions: the fields
// attr.<code> of the submit action.
func attributes(f map[string]string) map[string]string {
	var out map[string]string
	for k, v := range f {
		code, ok := strings.CutPrefix(k, "attr.")
		if !ok || code == "" || strings.TrimSpace(v) == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[code] = strings.TrimSpace(v)
	}
	return out
}

// validDate keeps a YYYY-MM-DD date, drops anything else.
func validDate(v string) string {
	v = strings.TrimSpace(v)
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return ""
	}
	return v
}
