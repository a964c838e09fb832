package flows

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// answer reads a typed (or shared) answer to the current step.
func (t *turn) answer() {
	st := t.step()
	if t.in.Unsupported != "" {
		t.reask(st, "unsupported")
		return
	}
	if kind := t.misplaced(st); kind != "" {
		// A photo, pin or contact card this step cannot use: say so, and
		// whether a later question takes it, instead of "too short".
		if max, full := t.photosFull(); kind == "photo" && full {
			t.s.Tries++
			t.say(t.msg("reask_photo_full", map[string]string{"max": itoa(max)}))
			t.ask(st)
			return
		}
		if t.ahead(kind) {
			t.reask(st, kind+"_later")
		} else {
			t.reask(st, kind+"_not_here")
		}
		return
	}
	if t.asked == AskCheck && (st.Type == StepText || st.Type == StepLocation) && t.answerCheck(st, "") {
		return
	}
	delete(t.s.Fields, keyPending)
	if st.Type == StepText && t.s.Fields[keyDraft] == st.Field {
		t.answerDraft(st, "")
		return
	}
	if st.Type == StepLocation && t.s.Pin != nil {
		// Before skip words and the step's own buttons: while confirming a
		// point, "tidak" means "send another", and "1" the first choice shown.
		t.answerOutside(st)
		return
	}
	if t.isSkip() && st.Optional {
		t.s.Fields[st.Field] = ""
		t.advance(st.Next)
		return
	}
	if st.Type != StepChoice && st.Type != StepSummary && st.Type != StepAttributes && st.Type != StepNearby && len(t.in.Photos) == 0 {
		// "1" or "satu" answers a free-text step's own menu ("1. Selesai",
		// "1. Lewati") on channels without buttons.
		if opts := t.buttons(st); len(opts) > 0 {
			if i := matchExact(t.in.Text, opts); i >= 0 {
				t.answerChoice(opts[i].Value)
				return
			}
		}
	}
	switch st.Type {
	case StepChoice:
		t.answerChoiceStep(st)
	case StepSummary:
		opts := t.summaryOptions()
		if t.s.Editing {
			opts = t.editOptions(st)
		}
		i := matchOption(t.in.Text, opts)
		if i < 0 {
			t.reask(st, "not_in_list")
			return
		}
		t.out.AnswerLabel = opts[i].Label.In(t.lang())
		t.choose(st, opts[i].Value)
	case StepText:
		t.answerText(st)
	case StepDate:
		t.answerWhen(st)
	case StepAttributes:
		t.answerAttribute(st, "")
	case StepNearby:
		t.answerNearby(st, "")
	case StepLocation:
		t.answerLocation(st)
	case StepPhotos:
		t.answerPhotos(st)
	case StepPhone:
		t.answerPhone(st)
	}
}

// inputKinds are the non-text inputs and the step type that takes each.
var inputKinds = map[string]string{"photo": StepPhotos, "location": StepLocation, "contact": StepPhone}

// misplaced names the kind of a textless photo, pin or contact card sent to a
// step of another type ("" if the input is text, or fits). With a caption,
// the text is the answer.
func (t *turn) misplaced(st *Step) string {
	if strings.TrimSpace(t.in.Text) != "" {
		return ""
	}
	kind := ""
	switch {
	case len(t.in.Photos) > 0:
		kind = "photo"
	case t.in.Location != nil:
		kind = "location"
	case t.in.Contact != nil:
		kind = "contact"
	}
	if kind == "" || inputKinds[kind] == st.Type {
		return ""
	}
	return kind
}

// ahead reports whether a step of this flow not yet answered takes kind, so
// the citizen can be told to send it there.
func (t *turn) ahead(kind string) bool {
	for _, st := range t.flow().Steps {
		if st.Type == inputKinds[kind] && st.ID != t.s.Step && !contains(t.s.Back, st.ID) {
			return true
		}
	}
	return false
}

// buttons are the choices a free-text step shows (see ask).
func (t *turn) buttons(st *Step) []Option {
	switch {
	case st.Type == StepPhotos && len(t.photoRefs()) > 0:
		return []Option{{Value: "done", Label: t.e.set.messages["choice_done"]}}
	case st.Type == StepPhotos || st.Optional:
		return []Option{{Value: "skip", Label: t.e.set.messages["choice_skip"]}}
	}
	return nil
}

func normalizeAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = normalize(w)
	}
	return out
}

func (t *turn) isSkip() bool {
	a := normalize(t.in.Text)
	if a == "" {
		a = strings.TrimSpace(t.in.Text) // "-" alone
	}
	if a == "" {
		return false
	}
	for _, w := range t.e.set.words["skip"] {
		if a == w {
			return true
		}
	}
	return false
}

func (t *turn) isDone() bool {
	a := normalize(t.in.Text)
	if a == "" {
		return false
	}
	for _, w := range append(t.e.set.words["done"], t.e.set.words["skip"]...) {
		if a == w {
			return true
		}
	}
	return false
}

// answerChoice handles a pressed button of the current step.
func (t *turn) answerChoice(value string) {
	st := t.step()
	switch {
	case value == "~cancel" || value == "~stay":
		if t.asked != AskCancel {
			t.out.Accepted = false
			return
		}
		t.answerCancel(value)
		return
	case value == valDone:
		if t.s.Fields[keyDraft] != st.Field || st.Type != StepText {
			t.out.Accepted = false
			return
		}
		t.answerDraft(st, valDone)
		return
	case value == valKeep || value == valRetype:
		if t.asked != AskCheck {
			t.out.Accepted = false
			return
		}
		t.answerCheck(st, value)
		return
	}
	switch st.Type {
	case StepChoice:
		if value == valList {
			t.showList(st)
			return
		}
		if indexOf(t.options(st), value) < 0 {
			t.reask(st, "not_in_list")
			return
		}
		t.choose(st, value)
	case StepAttributes:
		t.answerAttribute(st, value)
	case StepNearby:
		if value != "~send" && t.s.Fields[keyDup] == "" {
			t.out.Accepted = false // "support" of an answer not (or no longer) there
			return
		}
		t.answerNearby(st, value)
	case StepSummary:
		t.choose(st, value)
	case StepPhotos:
		if value == "done" || value == "skip" {
			t.advance(st.Next)
			return
		}
		t.reask(st, "not_in_list")
	case StepLocation:
		if i := indexOf(t.outsideOptions(), value); i >= 0 {
			if t.s.Pin == nil {
				// The confirm of a point already answered: a button of a
				// question that has passed, nothing changes.
				t.out.Accepted = false
				return
			}
			t.out.AnswerLabel = t.outsideOptions()[i].Label.In(t.lang())
			t.confirmOutside(st, value)
			return
		}
		if value == "skip" && st.Optional {
			t.s.Fields[st.Field] = ""
			t.advance(st.Next)
			return
		}
		t.reask(st, "not_in_list")
	default:
		if value == "skip" && st.Optional {
			t.s.Fields[st.Field] = ""
			t.advance(st.Next)
			return
		}
		t.reask(st, "not_in_list")
	}
}

// choose applies the chosen value of a choice or summary step.
func (t *turn) choose(st *Step, value string) {
	if st.Type == StepSummary {
		t.chooseSummary(st, value)
		return
	}
	changed := st.OptionsFrom == "services" && t.s.Fields[st.Field] != value
	if changed {
		t.clearAttributes() // another category asks other questions
	}
	t.clearGuesses(st)
	t.s.Fields[st.Field] = value
	if changed && t.s.Editing && t.askAttributesNow() {
		return // a new category edited from the summary: its questions, then the summary
	}
	next := st.Next
	for _, o := range st.Options {
		if o.Value == value && o.Next != "" {
			next = o.Next
		}
	}
	t.advance(next)
}

func (t *turn) chooseSummary(st *Step, value string) {
	if t.s.Editing {
		if _, ok := t.flow().step(value); !ok || !contains(st.Fields, value) {
			t.reask(st, "not_in_list")
			return
		}
		t.s.Step, t.s.Tries = value, 0 // Editing stays set: the answer returns here
		if t.step().Type == StepAttributes {
			t.clearAttributes()
		}
		t.ask(t.step())
		return
	}
	switch value {
	case "send":
		t.s.Back = append(t.s.Back, st.ID)
		t.enter(st.Next)
	case "edit":
		t.s.Editing = true
		t.askSummary(st)
	case "cancel":
		// The whole report is written: one tap should not throw it away.
		t.confirmCancel()
	default:
		t.reask(st, "not_in_list")
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (t *turn) answerText(st *Step) {
	text := t.in.Text
	n := utf8.RuneCountInString(strings.TrimSpace(text))
	switch {
	case contains(st.Checks, CheckCommand) && t.isCommand():
		// Before the limits: "ubah" is a command, not a short title.
		t.reask(st, "command")
	case n == 0:
		t.reask(st, "too_short")
	case st.Min > 0 && n < st.Min:
		t.reask(st, "too_short")
	case st.Max > 0 && n > st.Max:
		t.reask(st, "too_long")
	case st.Pattern != "" && !t.e.set.patterns[t.s.Flow+"/"+st.ID].MatchString(strings.TrimSpace(text)):
		t.reask(st, "pattern")
	case t.checked(st, text):
	default:
		// Stored byte-exact: what the citizen wrote is what the agency reads.
		t.s.Fields[st.Field] = text
		t.advance(st.Next)
	}
}

// answerLocation accepts a shared pin, "lat,lon", a kecamatan name (or its
// number in the list) or a typed address. Coordinates are checked where they
// enter: no point on Earth is re-asked; a point outside the region's bounds
// is confirmed first.
func (t *turn) answerLocation(st *Step) {
	if loc := t.in.Location; loc != nil {
		if !validLatLon(loc.Lat, loc.Lon) {
			t.reask(st, "bad_pin")
			return
		}
		t.takePoint(st, *loc)
		return
	}
	text := strings.TrimSpace(t.in.Text)
	switch lat, lon, err := ParseLatLon(text); {
	case err == nil:
		t.takePoint(st, Location{Lat: lat, Lon: lon})
		return
	case errors.Is(err, ErrLatLonRange):
		t.reask(st, "coordinates")
		return
	}
	kec := make([]Option, len(t.e.set.catalog.Kecamatan))
	for i, k := range t.e.set.catalog.Kecamatan {
		kec[i] = Option{Value: strings.ToLower(k), Label: Text{ID: k, EN: k}, Words: []string{"kecamatan " + k, "kec " + k, "kec. " + k}}
	}
	if _, err := strconv.Atoi(text); err != nil {
		if i := matchOption(text, kec); i >= 0 && utf8.RuneCountInString(text) >= 3 {
			t.forgetPlace()
			delete(t.s.Fields, keyGuess+"kecamatan")
			t.s.Fields["kecamatan"] = kec[i].Value
			t.s.Fields[st.Field] = "kecamatan"
			t.advance(st.Next)
			return
		}
	}
	if n := utf8.RuneCountInString(text); n < max(st.Min, 5) {
		t.reask(st, "too_short")
		return
	}
	if st.Max > 0 && utf8.RuneCountInString(text) > st.Max {
		t.reask(st, "too_long")
		return
	}
	if t.checked(st, text) {
		return
	}
	t.keep(st, text)
}

// forgetPlace drops the point and address of an earlier answer to the
// location step: a new answer replaces it, so an address typed after a pin
// (or a pin after "send another location") never shows beside the old one.
// The kecamatan stays: it is its own step's answer.
func (t *turn) forgetPlace() {
	delete(t.s.Fields, "lat")
	delete(t.s.Fields, "lon")
	delete(t.s.Fields, "address")
	delete(t.s.Fields, keyGuess+"kecamatan")
}

// guessKecamatan proposes the kecamatan of a point at the kecamatan
// question, unless it is already known.
func (t *turn) guessKecamatan(lat, lon float64) {
	if b := t.e.set.catalog.Region.Bounds; t.s.Fields["kecamatan"] != "" || b != nil && !b.Contains(lat, lon) {
		return // known, or a point outside the regency (confirmed as such)
	}
	if name := t.e.set.catalog.areaOf(lat, lon); name != "" {
		t.s.Fields[keyGuess+"kecamatan"] = strings.ToLower(name)
	}
}

// takePoint answers the location step with a valid point, or, when the
// region has bounds and the point is outside them, asks first whether it is
// right.
func (t *turn) takePoint(st *Step, p Location) {
	if b := t.e.set.catalog.Region.Bounds; b != nil && !b.Contains(p.Lat, p.Lon) {
		t.s.Pin = &p
		t.askOutside(st)
		return
	}
	t.setPoint(st, p)
	t.advance(st.Next)
}

func (t *turn) setPoint(st *Step, p Location) {
	t.forgetPlace()
	t.s.Fields["lat"] = strconv.FormatFloat(p.Lat, 'f', 6, 64)
	t.s.Fields["lon"] = strconv.FormatFloat(p.Lon, 'f', 6, 64)
	if p.Address != "" {
		t.s.Fields["address"] = p.Address
	}
	t.s.Fields[st.Field] = "pin"
	t.guessKecamatan(p.Lat, p.Lon)
}

// The confirm of a point outside the region: keep it, or send another.
func (t *turn) outsideOptions() []Option {
	return []Option{
		{Value: "keep", Label: t.e.set.messages["choice_keep_location"], Words: t.e.set.words["location_keep"]},
		{Value: "other", Label: t.e.set.messages["choice_other_location"], Words: t.e.set.words["location_other"]},
	}
}

// askOutside asks whether the waiting point is right. It also offers the
// location button: on Telegram "send another" is then one tap away.
func (t *turn) askOutside(st *Step) {
	p := t.s.Pin
	t.out.Replies = append(t.out.Replies, Reply{
		Text:    t.msg("location_outside", map[string]string{"lat": formatCoord(p.Lat), "lon": formatCoord(p.Lon)}),
		Choices: t.choices(t.outsideOptions()), Ask: AskLocation, Step: t.s.Flow + "/" + st.ID})
}

// answerOutside reads the answer to the confirm. A new pin or new
// coordinates is "another location" already; a typed address is not taken
// here (it could be a mistyped "yes"), the citizen chooses first.
func (t *turn) answerOutside(st *Step) {
	_, _, err := ParseLatLon(t.in.Text)
	if t.in.Location != nil || err == nil || errors.Is(err, ErrLatLonRange) {
		t.s.Pin = nil
		t.answerLocation(st)
		return
	}
	opts := t.outsideOptions()
	i := matchOption(t.in.Text, opts)
	if i < 0 {
		t.reask(st, "not_in_list")
		return
	}
	t.out.AnswerLabel = opts[i].Label.In(t.lang())
	t.confirmOutside(st, opts[i].Value)
}

func (t *turn) confirmOutside(st *Step, value string) {
	p := t.s.Pin
	t.s.Pin = nil
	if value == "keep" && p != nil {
		t.setPoint(st, *p)
		t.advance(st.Next)
		return
	}
	t.ask(st) // "send another": the location question again
}

// photoRefs are the photos collected so far (refs separated by spaces).
func (t *turn) photoRefs() []string { return strings.Fields(t.s.Fields["photos"]) }

func (t *turn) answerPhotos(st *Step) {
	limit := st.MaxPhotos
	if limit <= 0 {
		limit = 3
	}
	if len(t.in.Photos) == 0 {
		if t.isDone() {
			t.advance(st.Next)
			return
		}
		t.reask(st, "need_photo")
		return
	}
	refs := t.photoRefs()
	dropped := 0
	for _, p := range t.in.Photos {
		switch {
		case p.Ref == "" || strings.ContainsAny(p.Ref, " \t\n"):
		case len(refs) < limit:
			refs = append(refs, p.Ref)
		default:
			dropped++
		}
	}
	t.s.Fields["photos"] = strings.Join(refs, " ")
	if len(refs) >= limit {
		t.say(t.msg("photos_full", map[string]string{"count": strconv.Itoa(len(refs)), "max": strconv.Itoa(limit)}))
		if dropped > 0 {
			t.say(t.msg("photos_dropped", map[string]string{"dropped": strconv.Itoa(dropped), "max": strconv.Itoa(limit)}))
		}
		t.advance(st.Next)
		return
	}
	t.out.Replies = append(t.out.Replies, Reply{
		Text:    t.msg("photo_added", map[string]string{"count": strconv.Itoa(len(refs)), "max": strconv.Itoa(limit)}),
		Choices: []Choice{{Value: "done", Label: t.e.set.messages["choice_done"].In(t.lang())}},
		Ask:     AskPhoto, Step: t.s.Flow + "/" + st.ID})
}

func (t *turn) answerPhone(st *Step) {
	raw := t.in.Text
	if c := t.in.Contact; c != nil {
		// Only the number: a citizen who skipped their name keeps it out of
		// the report even when their contact card carries it.
		raw = c.Phone
	}
	p, err := NormalizePhone(raw)
	if err != nil {
		t.reask(st, "invalid")
		return
	}
	t.s.Fields[st.Field] = p
	t.advance(st.Next)
}

// finish emits the flow's action, closes the flow and resumes an interrupted
// one.
func (t *turn) finish(st *Step) {
	vars := map[string]string{}
	if st.Action != "" {
		a := Action{Kind: st.Action}
		if st.Action == ActionSubmit {
			a.Tracking = t.in.Tracking
			a.Fields = map[string]string{}
			for k, v := range t.s.Fields {
				if k != "photos" && v != "" && !internal(k) {
					a.Fields[k] = v
				}
			}
			vars["tracking"] = t.in.Tracking
			t.s.Reports = append(t.s.Reports, t.in.Tracking)
			if len(t.s.Reports) > t.e.cfg.MaxReports {
				t.s.Reports = t.s.Reports[len(t.s.Reports)-t.e.cfg.MaxReports:]
			}
		}
		if len(st.Args) > 0 {
			a.Args = map[string]string{}
			for k, ref := range st.Args {
				switch ref {
				case "$pending":
					a.Args[k] = t.s.Pending
				case "$tracking":
					a.Args[k] = t.in.Tracking
				default:
					a.Args[k] = t.s.Fields[ref]
				}
			}
		}
		if a.Kind == ActionStatus {
			a.Args["number"] = strings.ToUpper(strings.TrimSpace(a.Args["number"]))
			if n := t.e.set.trackingIn(a.Args["number"]); n != "" {
				a.Args["number"] = n // "SDA 7KQ2MX" -> SDA-7KQ2MX
			}
		}
		for _, ref := range t.photoRefs() {
			a.Photos = append(a.Photos, Photo{Ref: ref})
		}
		t.out.Actions = append(t.out.Actions, a)
	}
	reply := ""
	if st.Reply.ID != "" {
		reply = fill(st.Reply.In(t.lang()), t.vars(vars))
	}
	// The answers are this flow's own: an interrupted flow keeps its answers
	// in its frame, and resumes now.
	t.clearFlow()
	if reply != "" {
		t.say(reply)
	}
	t.resume()
}

// photosFull reports whether the flow's photos were already taken to the
// limit (a photo sent now is one too many, not one for a later question).
func (t *turn) photosFull() (int, bool) {
	for _, st := range t.flow().Steps {
		if st.Type != StepPhotos || !contains(t.s.Back, st.ID) {
			continue
		}
		limit := st.MaxPhotos
		if limit <= 0 {
			limit = 3
		}
		return limit, len(t.photoRefs()) >= limit
	}
	return 0, false
}

// answerWhen reads a date answer: a date, an approximate one, or "I don't
// know" (see ParseWhen).
func (t *turn) answerWhen(st *Step) {
	w, err := ParseWhen(t.in.Text, t.in.Now)
	switch {
	case errors.Is(err, ErrDateFuture):
		t.reask(st, "future")
		return
	case err != nil:
		t.reask(st, "format")
		return
	}
	for _, k := range whenFields(st.Field) {
		delete(t.s.Fields, k)
	}
	switch {
	case w.Unknown:
		t.s.Fields[st.Field+"_unknown"] = "1"
	default:
		t.s.Fields[st.Field] = w.Date.Format("2006-01-02")
		if w.Approx {
			t.s.Fields[st.Field+"_approx"] = "1"
		}
	}
	if w.Words != "" {
		t.s.Fields[st.Field+"_text"] = w.Words
	}
	t.advance(st.Next)
}

// whenFields are the fields a date step writes.
func whenFields(field string) []string {
	return []string{field, field + "_approx", field + "_unknown", field + "_text"}
}

func itoa(n int) string { return strconv.Itoa(n) }
