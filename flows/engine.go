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
)

// turn is the work of one Step call.
type turn struct {
	e   *Engine
	s   Session
	in  Input
	out Result
}

// Step advances a conversation by one input.
func (e *Engine) Step(s Session, in Input) Result {
	t := &turn{e: e, s: s, in: in}
	t.run()
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
	if t.in.Start != "" {
		t.startFromOutside()
		return
	}
	t.emergency()
	if t.in.Choice != "" {
		t.pressed()
		return
	}
	t.out.Accepted = true
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
	if t.global() {
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
	t.answer()
}

// emergencyRepeat is how long the emergency number is not repeated, unless
// the message is nothing but an emergency word.
const emergencyRepeat = 15 * time.Minute

// emergency answers emergency words at once with the emergency number, before
// the conversation goes on.
func (t *turn) emergency() {
	words := t.e.set.words["emergency"]
	text := normalize(t.in.Text)
	if len(words) == 0 || !containsWord(text, words) {
		return
	}
	alone := contains(words, strings.Trim(text, "!?. "))
	if !alone && t.s.Warned > 0 && t.in.Now.Sub(time.Unix(t.s.Warned, 0)) < emergencyRepeat {
		return
	}
	t.s.Warned = t.in.Now.Unix()
	t.say(t.msg("emergency", nil))
}

// prepare sets the language and restarts sessions that no longer fit the
// loaded flows (a new schema, or a step removed by a deploy).
func (t *turn) prepare() {
	if t.s.Lang == "" {
		t.s.Lang = LangID
		if t.in.LangHint == LangEN {
			t.s.Lang = LangEN
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
	t.s.Flow, t.s.Step, t.s.Back, t.s.Editing, t.s.Resume, t.s.Tries = "", "", nil, false, false, 0
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
	case t.s.Flow != "" && !t.s.Resume && key == t.s.Flow+"/"+t.s.Step:
		t.out.Accepted = true
		t.answerChoice(value)
	default:
		t.out.Accepted = false // a button of a question that has passed: nothing changes
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
	default:
		flow, step, _ := strings.Cut(key, "/")
		if f, ok := t.e.set.Flow(flow); ok {
			if st, ok := f.step(step); ok {
				opts = t.options(st)
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
