package flows

import (
	"strconv"
	"strings"
	"time"
)

// Config tunes the engine.
type Config struct {
	// DraftTTL is how long an unfinished draft is kept (default 7 days). The
	// bot package sets the same TTL on the stored session.
	DraftTTL time.Duration
	// ResumeAfter: a citizen who comes back to a draft untouched this long is
	// asked whether to continue it or start again (default 30 minutes).
	ResumeAfter time.Duration
	// MaxReports caps the tracking numbers remembered in a session.
	MaxReports int
	// CheckNearby turns on the duplicates check before a report is sent
	// (a "nearby" step emits ActionNearby and waits for its answer). Off,
	// the step is skipped: a complaint side that does not answer the
	// action would otherwise keep every citizen waiting.
	CheckNearby bool
}

// Engine runs flows. It is safe for concurrent use: it holds only the loaded,
// read-only Set.
type Engine struct {
	set *Set
	cfg Config
}

// NewEngine returns an engine over a loaded Set.
func NewEngine(set *Set, cfg Config) *Engine {
	if cfg.DraftTTL <= 0 {
		cfg.DraftTTL = 7 * 24 * time.Hour
	}
	if cfg.ResumeAfter <= 0 {
		cfg.ResumeAfter = 30 * time.Minute
	}
	if cfg.MaxReports <= 0 {
		cfg.MaxReports = 20
	}
	return &Engine{set: set, cfg: cfg}
}

// Set returns the engine's flow set.
func (e *Engine) Set() *Set { return e.set }

// DraftTTL is the configured draft lifetime.
func (e *Engine) DraftTTL() time.Duration { return e.cfg.DraftTTL }

// Menu keys used in callback data for the pseudo-steps outside flows.
const (
	keyMenu   = "menu"
	keyResume = "resume"
	keyLang   = "lang"
)

// turn is the work of one Step call.
type turn struct {
	e   *Engine
	s   Session
	in  Input
	out Result
	ws  []word // the message read for meaning (words())
	// asked is the engine's own question the message answers (Session.Ask
	// before this turn; Session.Ask is cleared, and set again by whatever
	// asks next).
	asked  string
	urgent bool // the message is an emergency
}

// Step advances a conversation by one input.
func (e *Engine) Step(s Session, in Input) Result {
	t := &turn{e: e, s: s, in: in}
	t.run()
	t.merge()
	t.s.Updated = in.Now.Unix()
	t.out.Session = t.s
	return t.out
}

func (t *turn) lang() string { return t.s.Lang }

func (t *turn) msg(key string, vars map[string]string) string {
	return t.e.set.Message(t.lang(), key, t.vars(vars))
}

// vars adds the placeholders every text may use.
func (t *turn) vars(extra map[string]string) map[string]string {
	v := map[string]string{
		"emergency": t.e.set.catalog.Region.EmergencyNumber,
		"region":    t.e.set.catalog.Region.Name,
		"days":      strconv.Itoa(int(t.e.cfg.DraftTTL.Hours() / 24)),
		"number":    t.s.Pending,
		"title":     t.s.Fields["title"],
	}
	if title := t.s.Fields["title"]; title != "" {
		v["title_suffix"] = " (\"" + title + "\")"
	} else {
		v["title_suffix"] = ""
	}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

func (t *turn) say(text string) { t.out.Replies = append(t.out.Replies, Reply{Text: text}) }

func (t *turn) run() {
	// "Today" is the regency's today, whatever the server's zone.
	t.in.Now = t.in.Now.In(t.e.set.catalog.Region.Location())
	t.prepare()
	t.asked, t.s.Ask = t.s.Ask, ""
	if t.in.Start != "" {
		if strings.Contains(t.in.Start, "/") {
			t.s.Ask = t.asked
			t.lookupAnswer()
			return
		}
		t.startFromOutside()
		return
	}
	t.urgent = t.emergency()
	if t.in.Choice != "" {
		t.pressed()
		return
	}
	t.out.Accepted = true
	t.suggestJavanese()
	if t.s.Flow == flowComplaint && !t.s.Resume && t.s.Updated > 0 && t.in.Now.Sub(time.Unix(t.s.Updated, 0)) > t.e.cfg.ResumeAfter {
		// Back to a report draft after a while: a greeting or an answer gets
		// the offer to continue it; an explicit command (cancel, help...)
		// still works. Only the draft: an answer to an officer's question
		// that arrived overnight is an answer, not a return to a draft.
		switch intent, _ := t.intent(); intent {
		case "", "menu", "start", "report":
			t.offerResume()
			return
		}
	}
	if t.asked == AskLang {
		if i := matchExact(t.in.Text, t.langOptions()); i >= 0 {
			t.setLanguage(t.langOptions()[i].Value)
			return
		}
	}
	if t.global() {
		return
	}
	if t.asked == AskCancel && t.answerCancel("") {
		return
	}
	if t.in.Unsupported != "" && (t.s.Resume || t.s.Flow == "") {
		t.say(t.unsupportedText())
		t.reaskOrMenu()
		return
	}
	if t.s.Flow == flowComplaint && len(t.words()) <= 4 && t.sentence("cancel") && !t.s.Resume {
		// "hapus saja", "tidak jadi": a short message in the draft.
		t.confirmCancel()
		return
	}
	if t.s.Resume {
		t.answerResume(matchOption(t.in.Text, t.resumeOptions()))
		return
	}
	if t.s.Flow == "" {
		t.idle(matchOption(t.in.Text, t.menuOptions()))
		return
	}
	if t.shortAnswer() {
		// At a question with a short answer, an emergency or a question
		// about a report is not the answer: "ono maling!" is no address,
		// "gimana laporan SDA-7TS5B7?" no title. The question stays.
		if n := t.e.set.trackingIn(t.in.Text); n != "" {
			t.status(n)
			return
		}
		if t.urgent {
			t.s.Ask = t.asked
			t.reaskOrMenu()
			return
		}
	}
	t.answer()
}

// shortAnswer reports whether the current question takes a short answer
// (anything but a long free text such as a description).
func (t *turn) shortAnswer() bool {
	st := t.step()
	if st == nil || strings.TrimSpace(t.in.Text) == "" {
		return false
	}
	return st.Type != StepText || st.Max > 0 && st.Max <= 300
}

// prepare sets the language and restarts sessions that no longer fit the
// loaded flows (a new schema, or a step removed by a deploy).
func (t *turn) prepare() {
	if t.s.Lang == "" {
		t.s.Lang = LangID
		if t.in.LangHint == LangEN || t.in.LangHint == LangJV {
			t.s.Lang = t.in.LangHint
		}
	}
	if t.s.Fields == nil {
		t.s.Fields = map[string]string{}
	}
	stale := t.s.Flow != "" && t.s.Updated > 0 && t.in.Now.Sub(time.Unix(t.s.Updated, 0)) > t.e.cfg.DraftTTL
	if stale {
		t.clearAll()
		t.say(t.msg("draft_expired", nil))
	}
	if t.s.Schema != 0 && t.s.Schema != SessionSchema || t.s.Flow != "" && !t.known(t.s.Flow, t.s.Step) {
		t.clearAll()
		t.say(t.msg("restart_unknown_step", nil))
	}
	t.s.Schema = SessionSchema
	t.adoptLegacyRet()
	if t.s.Flow == "" {
		// Nothing runs, so nothing waits to resume (only a session stored
		// before frames could hold one here).
		t.s.Outer, t.s.Ret = nil, ""
	}
	t.dropUnknownFrames()
}

func (t *turn) known(flow, step string) bool {
	f, ok := t.e.set.Flow(flow)
	if !ok {
		return false
	}
	_, ok = f.step(step)
	return ok
}

func (t *turn) flow() *Flow { f, _ := t.e.set.Flow(t.s.Flow); return f }

func (t *turn) step() *Step { st, _ := t.flow().step(t.s.Step); return st }

// clearFlow ends the current flow and forgets its draft.
func (t *turn) clearFlow() {
	t.s.Flow, t.s.Step, t.s.Back, t.s.Editing, t.s.Resume, t.s.Tries, t.s.Ask = "", "", nil, false, false, 0, ""
	t.s.Fields = map[string]string{}
	t.s.Pending, t.s.Pin = "", nil
}

// startFlow begins flow id and asks its first question. The running flow,
// if any, must have been suspended or cleared first.
func (t *turn) startFlow(id, pending string) {
	f, ok := t.e.set.Flow(id)
	if !ok {
		t.say(t.msg("not_understood_idle", nil))
		if !t.resume() {
			t.showMenu()
		}
		return
	}
	t.s.Flow, t.s.Step, t.s.Back, t.s.Editing, t.s.Resume, t.s.Tries = id, f.Start, nil, false, false, 0
	t.s.Pending, t.s.Pin = pending, nil
	if f.Intro.ID != "" {
		t.say(fill(f.Intro.In(t.lang()), t.vars(nil)))
	}
	t.enter(f.Start)
}

// startFromOutside starts a flow for bot.FlowStarter. What the citizen was
// doing is kept, not replaced (they did not ask for the change): it is put
// aside and resumes, with its own report number, when this flow ends — even
// when it is the same flow for another report (two admins' questions).
func (t *turn) startFromOutside() {
	t.out.Accepted = true
	if t.in.Intro != "" {
		t.say(t.in.Intro)
	}
	if t.s.Flow == t.in.Start && t.s.Pending == t.in.Pending {
		// The same flow for the same report (a second question before the
		// first was answered): one answer serves both, so it starts afresh in
		// place rather than waiting on top of itself.
		t.clearFlow()
	} else {
		t.suspend()
	}
	t.startFlow(t.in.Start, t.in.Pending)
}

// pressed handles a button press: "<flow>/<step>|<value>", or a menu key.
func (t *turn) pressed() {
	key, value, _ := strings.Cut(t.in.Choice, "|")
	switch {
	case key == keyMenu && t.s.Flow == "" && !t.s.Resume:
		t.out.Accepted = true
		t.idle(indexOf(t.menuOptions(), value))
	case key == keyResume && t.s.Resume:
		t.out.Accepted = true
		t.answerResume(indexOf(t.resumeOptions(), value))
	case key == keyLang && indexOf(t.langOptions(), value) >= 0:
		// Harmless whenever it is pressed: it changes only the language.
		t.out.Accepted = true
		t.setLanguage(value)
	case t.s.Flow != "" && !t.s.Resume && key == t.s.Flow+"/"+t.s.Step:
		t.out.Accepted = true
		t.answerChoice(value)
	default:
		t.out.Accepted = false // a button of a question that has passed: nothing changes
	}
	if !t.out.Accepted {
		t.s.Ask = t.asked
	}
	if t.out.Accepted && t.out.AnswerLabel == "" {
		t.out.AnswerLabel = t.labelOf(key, value)
	}
}

func indexOf(opts []Option, value string) int {
	for i, o := range opts {
		if o.Value == value {
			return i
		}
	}
	return -1
}

// labelOf is the label of a pressed option, for channels that show it.
func (t *turn) labelOf(key, value string) string {
	var opts []Option
	switch key {
	case keyMenu:
		opts = t.menuOptions()
	case keyResume:
		opts = t.resumeOptions()
	case keyLang:
		opts = t.langOptions()
	default:
		flow, step, _ := strings.Cut(key, "/")
		if f, ok := t.e.set.Flow(flow); ok {
			if st, ok := f.step(step); ok {
				opts = t.stepOptions(f, st)
			}
		}
	}
	if i := indexOf(opts, value); i >= 0 {
		return opts[i].Label.In(t.lang())
	}
	return ""
}

// containsWord reports whether any of words occurs in text as whole words.
func containsWord(text string, words []string) bool {
	if text == "" {
		return false
	}
	padded := " " + strings.NewReplacer(",", " ", ".", " ", "/", " ").Replace(text) + " "
	for _, w := range words {
		if w != "" && strings.Contains(padded, " "+w+" ") {
			return true
		}
	}
	return false
}
