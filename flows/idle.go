package flows

import "strings"

// A first message is understood, not answered with the menu: people open a
// chat with what they want. Read while nothing runs, in this order:
//
//  1. an emergency was already answered (emergency.go): then the menu;
//  2. "tambah info" anywhere, with the tracking number anywhere;
//  3. a tracking number anywhere ("gimana laporan SDA-7TS5B7 saya?"): its status;
//  4. "laporan saya", "sudah sampai mana" inside a sentence;
//  5. a problem ("lampu jalan depan rumah mati", "saya mau lapor jalan
//     rusak"): a report starts, the sentence kept as the description draft
//     and the category it matches proposed;
//  6. "bantuan", "hapus" inside a sentence;
//  7. a greeting: welcome and menu; anything else: "not understood", with
//     how to report, and the menu.

// words is the message read for meaning (computed once per turn).
func (t *turn) words() []word {
	if t.ws == nil {
		t.ws = t.e.set.lex.read(t.in.Text)
		if t.ws == nil {
			t.ws = []word{}
		}
	}
	return t.ws
}

// sentence reports whether the message says a sentence intent.
func (t *turn) sentence(intent string) bool {
	return anyMatch(t.words(), t.e.set.lex.sentence[intent])
}

// understandIdle reads a typed message while nothing runs.
func (t *turn) understandIdle() {
	lx := t.e.set.lex
	ws := t.words()
	number := t.e.set.trackingIn(t.in.Text)
	switch {
	case t.urgent:
		t.showMenu()
		return
	case t.sentence("add_info"):
		if number == "" {
			t.say(t.msg("add_info_usage", nil))
			t.showMenu()
			return
		}
		// What follows the number is the information itself: it is not
		// asked for again.
		if info := t.e.set.afterTracking(t.in.Text); len(strings.Fields(info)) >= 2 {
			t.s.Fields = map[string]string{"info": info}
		}
		t.startFlow(flowAddInfo, number)
		return
	case number != "":
		t.status(number)
		return
	case t.sentence("my_reports"):
		t.myReports()
		return
	case t.sentence("status"):
		t.startFlow(flowStatus, "")
		return
	}
	cats := t.e.set.categoriesIn(ws)
	problem := len(cats) > 0 || anyMatch(ws, lx.problems)
	told := t.toldWords() >= 3 // more than "saya mau lapor jalan rusak"
	switch {
	case problem && told, t.sentence("report"):
		t.startReport(cats, problem && told)
	case t.sentence("help"):
		t.say(t.msg("help", nil))
		t.showMenu()
	case t.sentence("cancel"):
		t.say(t.msg("nothing_to_cancel", nil))
		t.showMenu()
	case t.s.Updated == 0 || isOnly(ws, wordPhrases(t.e.set.words["menu"], lx)):
		t.say(t.msg("welcome", nil))
		t.showMenu()
	default:
		t.say(t.msg("not_understood_idle", nil))
		t.showMenu()
	}
}

// wordPhrases compiles intent words (messages.yaml) as phrases.
func wordPhrases(ws []string, lx *lexicon) []phrase {
	var out []phrase
	for _, w := range ws {
		if p := lx.phrase(w); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// startReport starts the report draft from a sentence: the category it
// matches is proposed (or the few it could be), and, when the sentence
// describes the problem, it becomes the description draft.
func (t *turn) startReport(cats []string, draft bool) {
	t.s.Fields = map[string]string{}
	if draft {
		t.s.Fields["description"] = strings.TrimSpace(t.in.Text)
		t.s.Fields[keyDraft] = "description"
	}
	f, ok := t.e.set.Flow(flowComplaint)
	if ok {
		if st, ok := f.step(f.Start); ok && st.OptionsFrom == "services" {
			t.setGuesses(st, cats)
		}
	}
	t.startFlow(flowComplaint, "")
}

// myReports asks the complaint side for the citizen's reports.
func (t *turn) myReports() {
	t.out.Actions = append(t.out.Actions, Action{Kind: ActionMyReports,
		Args: map[string]string{"numbers": strings.Join(t.s.Reports, " ")}})
}

// suggestJavanese says once, in Javanese, that the citizen may write in
// Javanese, when their message reads like Javanese (two marker words).
func (t *turn) suggestJavanese() {
	if t.s.Lang == LangJV || strings.Contains(t.s.Hints, HintJavanese) {
		return
	}
	if countMatches(t.words(), t.e.set.lex.javanese) < 2 {
		return
	}
	t.s.Hints += HintJavanese
	t.say(t.e.set.Message(LangJV, "suggest_javanese", t.vars(nil)))
}

// The language picker.
func (t *turn) langOptions() []Option {
	return []Option{
		{Value: LangID, Label: t.e.set.messages["lang_id"], Words: []string{"indonesia", "bahasa indonesia", "indonesian", "id"}},
		{Value: LangEN, Label: t.e.set.messages["lang_en"], Words: []string{"english", "inggris", "en"}},
		{Value: LangJV, Label: t.e.set.messages["lang_jv"], Words: []string{"jawa", "basa jawa", "bahasa jawa", "boso jowo", "jowo", "javanese", "jv"}},
	}
}

func (t *turn) askLanguage() {
	t.s.Ask = AskLang
	t.out.Replies = append(t.out.Replies, Reply{Text: t.msg("language_prompt", nil),
		Choices: t.choices(t.langOptions()), Step: keyLang})
}

// setLanguage switches to lang and asks the current question again.
func (t *turn) setLanguage(lang string) {
	t.s.Lang = lang
	t.say(t.msg("language_switched", nil))
	t.reaskOrMenu()
}

// toldWords counts the words of a message that tell something: not the
// wish to report ("saya mau lapor"), a greeting, or a filler ("pak").
func (t *turn) toldWords() int {
	lx := t.e.set.lex
	ws := t.words()
	said := make([]bool, len(ws))
	for _, ps := range [][]phrase{lx.sentence["report"], lx.fillers, wordPhrases(t.e.set.words["menu"], lx)} {
		for _, p := range ps {
			for _, run := range p {
				for _, at := range runs(ws, run) {
					for k := at; k < at+len(run); k++ {
						said[k] = true
					}
				}
			}
		}
	}
	n := 0
	for _, s := range said {
		if !s {
			n++
		}
	}
	return n
}
