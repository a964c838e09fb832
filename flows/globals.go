package flows

import (
	"regexp"
	"strings"
)

// trackingPattern recognises a tracking number such as SDA-7KQ2MX.
var trackingPattern = regexp.MustCompile(`^[A-Za-z]{2,5}-[A-Za-z0-9]{6}$`)

// intent returns the global intent a whole message expresses and its argument
// ("status SDA-7KQ2MX" -> "status", "SDA-7KQ2MX"). Only a message that is the
// intent word alone (or a command with an argument) counts: a description that
// merely contains "batal" is not a cancel.
func (t *turn) intent() (string, string) {
	text := strings.TrimSpace(t.in.Text)
	if text == "" {
		return "", ""
	}
	first, rest, _ := strings.Cut(text, " ")
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(first, "/") {
		first = strings.ToLower(first)
		if first == "/start" {
			return "start", rest
		}
	}
	whole := normalize(text)
	for _, intent := range []string{"cancel", "back", "help", "language", "restart", "report", "my_reports", "status", "menu", "add_info"} {
		for _, w := range t.e.set.words[intent] {
			if whole == w {
				return intent, ""
			}
		}
	}
	// An intent word followed by an argument: "status SDA-7KQ2MX", "bahasa en",
	// "tambah info SDA-7KQ2MX".
	head := normalize(first)
	if words := strings.Fields(text); len(words) == 3 && trackingPattern.MatchString(words[2]) {
		for _, w := range t.e.set.words["add_info"] {
			if normalize(words[0]+" "+words[1]) == w {
				return "add_info", words[2]
			}
		}
	}
	for _, intent := range []string{"status", "language", "add_info"} {
		for _, w := range t.e.set.words[intent] {
			if head == w && rest != "" {
				return intent, rest
			}
		}
	}
	if trackingPattern.MatchString(text) && t.s.Flow == "" {
		return "status", text
	}
	// The number written another way: "status SDA 7TS5B7", "tambah info
	// sda7ts5b7".
	if n := t.e.set.trackingIn(text); n != "" {
		for _, intent := range []string{"status", "add_info"} {
			for _, w := range t.e.set.words[intent] {
				rest, ok := strings.CutPrefix(whole, w+" ")
				if ok && len(strings.Fields(rest)) <= 2 && t.e.set.trackingIn(rest) == n {
					return intent, n
				}
			}
		}
	}
	return "", ""
}

// global handles the words that work anywhere. It reports whether the input
// was one.
func (t *turn) global() bool {
	intent, arg := t.intent()
	if (intent == "status" || intent == "add_info") && arg != "" && !trackingPattern.MatchString(arg) {
		if n := t.e.set.trackingIn(arg); n != "" {
			arg = n // "status SDA 7TS5B7", "status sda7ts5b7"
		}
	}
	switch intent {
	case "":
		return false
	case "start":
		switch {
		case trackingPattern.MatchString(arg):
			t.status(arg)
		case t.s.Flow == flowComplaint:
			t.offerResume()
		case t.toDraft():
			t.offerResume()
		default:
			t.clearAll()
			t.say(t.msg("welcome", nil))
			t.showMenu()
		}
	case "cancel":
		if t.s.Flow == "" && !t.s.Resume {
			t.say(t.msg("nothing_to_cancel", nil))
			t.showMenu()
			return true
		}
		if t.asked != AskCancel && !t.s.Resume && t.atSummary() {
			// The whole report is written: one word should not throw it away.
			t.confirmCancel()
			return true
		}
		t.cancel()
	case "back":
		t.back()
	case "help":
		t.say(t.msg("help", nil))
		t.reaskOrMenu()
	case "language":
		if arg == "" {
			t.askLanguage()
			return true
		}
		t.switchLanguage(arg)
	case "restart":
		// Starting over means the report draft, or, in a follow-up, that
		// follow-up for the same report ("ulangi" while writing an answer).
		id, pending := flowComplaint, ""
		if t.s.Flow != "" && t.s.Flow != flowComplaint {
			id, pending = t.s.Flow, t.s.Pending
		}
		t.clearFlow()
		t.startFlow(id, pending)
	case "report":
		switch {
		case t.s.Flow == flowComplaint:
			t.offerResume()
		case t.toDraft():
			// A draft waits under the follow-up: "lapor" means that draft.
			t.offerResume()
		default:
			t.suspend()
			t.startFlow(flowComplaint, "")
		}
	case "my_reports":
		t.myReports()
	case "status":
		if trackingPattern.MatchString(arg) {
			t.status(arg)
			return true
		}
		if arg != "" {
			t.say(t.msg("status_bad_number", nil))
		}
		if t.s.Flow != "" {
			// Not a new flow over this one: say how, then the question again.
			if arg == "" {
				t.say(t.msg("status_usage", nil))
			}
			t.reaskOrMenu()
			return true
		}
		t.startFlow(flowStatus, "")
	case "add_info":
		switch {
		case arg == "":
			// "tambah info" alone is not a title or an address to store.
			t.say(t.msg("add_info_usage", nil))
			t.reaskOrMenu()
			return true
		case !trackingPattern.MatchString(arg):
			t.say(t.msg("status_bad_number", nil))
			t.reaskOrMenu()
			return true
		}
		t.addInfo(strings.ToUpper(arg))
	case "menu":
		if t.s.Flow != "" || t.s.Resume {
			t.reaskOrMenu()
			return true
		}
		if t.s.Updated == 0 {
			t.say(t.msg("welcome", nil))
		}
		t.showMenu()
	}
	return true
}

// addInfo starts adding information to report number. Typed inside an
// add-info, it is the citizen changing their mind: the same report goes on
// where it was; another report replaces the current add-info, saying so (its
// text was not sent). Anything else running waits and resumes afterwards.
func (t *turn) addInfo(number string) {
	if t.s.Flow == flowAddInfo {
		if t.s.Pending == number {
			t.say(t.msg("add_info_same", nil))
			t.reaskOrMenu()
			return
		}
		old := t.s.Pending
		t.clearFlow()
		t.say(t.msg("add_info_replaced", map[string]string{"old": old, "number": number}))
		t.startFlow(flowAddInfo, number)
		return
	}
	t.suspend()
	t.startFlow(flowAddInfo, number)
}

// status asks the complaint API for a report's status (answered by the action
// handler through the outbound stream).
func (t *turn) status(number string) {
	t.out.Actions = append(t.out.Actions, Action{Kind: ActionStatus, Args: map[string]string{"number": strings.ToUpper(number)}})
}

func (t *turn) back() {
	if t.s.Flow == "" || len(t.s.Back) == 0 {
		t.say(t.msg("back_none", nil))
		t.reaskOrMenu()
		return
	}
	prev := t.s.Back[len(t.s.Back)-1]
	t.s.Back = t.s.Back[:len(t.s.Back)-1]
	t.s.Step, t.s.Tries, t.s.Editing, t.s.Pin = prev, 0, false, nil
	t.ask(t.step())
}

// switchLanguage switches to the language arg names ("en", "jawa"...), or
// shows the picker for anything else.
func (t *turn) switchLanguage(arg string) {
	if i := matchExact(arg, t.langOptions()); i >= 0 {
		t.setLanguage(t.langOptions()[i].Value)
		return
	}
	t.askLanguage()
}

// reaskOrMenu repeats the current question, or shows the menu when idle.
func (t *turn) reaskOrMenu() {
	switch {
	case t.s.Resume:
		t.askResume()
	case t.s.Flow != "":
		t.ask(t.step())
	default:
		t.showMenu()
	}
}

// The idle menu.
func (t *turn) menuOptions() []Option {
	m := func(v, key string) Option {
		return Option{Value: v, Label: t.e.set.messages[key]}
	}
	return []Option{m("report", "menu_report"), m("my_reports", "menu_my_reports"),
		m("status", "menu_status"), m("help", "menu_help"), m("language", "menu_language")}
}

func (t *turn) showMenu() {
	t.out.Replies = append(t.out.Replies, Reply{Text: t.msg("menu_prompt", nil),
		Choices: t.choices(t.menuOptions()), Step: keyMenu})
}

// idle handles a message when no flow runs: a menu choice, or a greeting.
func (t *turn) idle(i int) {
	opts := t.menuOptions()
	if i < 0 {
		switch {
		case len(t.in.Photos) > 0 || t.in.Location != nil:
			// Sent before any report: say where photos and places go.
			t.say(t.msg("idle_media", nil))
		case t.in.Unsupported != "":
			t.say(t.unsupportedText())
		case strings.TrimSpace(t.in.Text) != "":
			t.understandIdle()
			return
		case t.s.Updated == 0:
			t.say(t.msg("welcome", nil))
		default:
			t.say(t.msg("not_understood_idle", nil))
		}
		t.showMenu()
		return
	}
	switch opts[i].Value {
	case "report":
		t.startFlow(flowComplaint, "")
	case "my_reports":
		t.myReports()
	case "status":
		t.startFlow(flowStatus, "")
	case "help":
		t.say(t.msg("help", nil))
		t.showMenu()
	case "language":
		t.askLanguage()
	}
}

// Resume: a citizen who comes back to a draft chooses to continue or restart.
func (t *turn) resumeOptions() []Option {
	return []Option{
		{Value: "continue", Label: t.e.set.messages["choice_continue"], Words: t.e.set.words["yes"]},
		{Value: "restart", Label: t.e.set.messages["choice_restart"], Words: t.e.set.words["restart"]},
	}
}

func (t *turn) offerResume() {
	t.s.Resume = true
	t.askResume()
}

func (t *turn) askResume() {
	t.out.Replies = append(t.out.Replies, Reply{
		Text:    t.msg("resume_prompt", nil) + "\n" + t.msg("draft_kept", nil),
		Choices: t.choices(t.resumeOptions()), Step: keyResume})
}

func (t *turn) answerResume(i int) {
	switch {
	case i < 0 && t.e.set.trackingIn(t.in.Text) != "":
		// "gimana laporan SDA-7TS5B7?" while a draft waits: answered, and
		// the draft still waits.
		t.status(t.e.set.trackingIn(t.in.Text))
		t.askResume()
	case i < 0 && t.urgent:
		t.askResume() // the emergency was answered; the draft still waits
	case i < 0:
		t.say(t.msg("reask_not_in_list", nil))
		t.askResume()
	case t.resumeOptions()[i].Value == "continue":
		t.s.Resume = false
		t.say(t.msg("resume_continue", nil))
		t.ask(t.step())
	default:
		t.clearFlow()
		t.say(t.msg("resume_restart", nil))
		t.startFlow(flowComplaint, "")
	}
}

// atSummary reports whether the report draft is at its summary.
func (t *turn) atSummary() bool {
	if t.s.Flow != flowComplaint {
		return false
	}
	st := t.step()
	return st != nil && st.Type == StepSummary
}

// Confirming a cancel: "Yakin membatalkan laporan ini?".
func (t *turn) cancelOptions() []Option {
	return []Option{
		{Value: "~cancel", Label: t.e.set.messages["choice_cancel_yes"], Words: t.e.set.words["yes"]},
		{Value: "~stay", Label: t.e.set.messages["choice_cancel_no"], Words: t.e.set.words["no"]},
	}
}

func (t *turn) confirmCancel() {
	t.s.Ask = AskCancel
	t.out.Replies = append(t.out.Replies, Reply{Text: t.msg("cancel_confirm", nil),
		Choices: t.choices(t.cancelOptions()), Step: t.s.Flow + "/" + t.s.Step})
}

// answerCancel reads the answer to the cancel confirm (value is a pressed
// button, or "" for typed text). It reports whether it was one.
func (t *turn) answerCancel(value string) bool {
	if value == "" {
		if i := matchExact(t.in.Text, t.cancelOptions()); i >= 0 {
			value = t.cancelOptions()[i].Value
		}
	}
	switch value {
	case "~cancel":
		t.cancel()
	case "~stay":
		t.ask(t.step())
	default:
		return false
	}
	return true
}

// unsupportedText explains refused content in its own words: a photo too
// large, a file that is not a photo, a live location... else the generic
// "I can read text, photos, locations and contacts".
func (t *turn) unsupportedText() string {
	key := "reask_" + t.in.Unsupported
	if !t.e.set.HasMessage(key) {
		key = "reask_unsupported"
	}
	return t.msg(key, nil)
}
