package flows

import (
	"strings"
	"unicode/utf8"
)

// A choice step need not be a list to scroll: when the engine has a guess
// (the category of a first message, the kecamatan of a pin) it proposes it
// ("Sepertinya ini tentang *Penerangan jalan umum* — benar?" Ya / Pilih
// lain); when a typed answer fits a few options it offers those; a typed
// category is matched by meaning (category.go). After two answers that
// match nothing, the catch-all category is taken and the text kept as the
// description: the same list is never shown a third time.

// Engine-internal fields start with "_": never sent, never shown.
const (
	keyGuess   = "_g."    // + field: the guessed option
	keyCands   = "_c"     // the offered options, space-separated
	keyDraft   = "_draft" // the field holding a draft from the first message
	keyPending = "_p"     // an answer waiting for the citizen's confirm
	keyDup     = "_d"     // the similar report found before sending
)

// Button values of the engine's own sub-questions.
const (
	valList   = "~list"   // show the whole list
	valKeep   = "~keep"   // keep the odd answer as it is
	valRetype = "~retype" // type it again
	valDone   = "~done"   // the draft is enough as it is
)

func internal(field string) bool { return strings.HasPrefix(field, "_") }

// setGuesses records what a step may propose: one option, or a few.
func (t *turn) setGuesses(st *Step, codes []string) {
	delete(t.s.Fields, keyGuess+st.Field)
	delete(t.s.Fields, keyCands)
	switch {
	case len(codes) == 1:
		t.s.Fields[keyGuess+st.Field] = codes[0]
	case len(codes) > 1:
		t.s.Fields[keyCands] = strings.Join(codes, " ")
	}
}

func (t *turn) clearGuesses(st *Step) {
	delete(t.s.Fields, keyGuess+st.Field)
	delete(t.s.Fields, keyCands)
}

// candidateOptions are the offered options, in the offered order.
func (t *turn) candidateOptions(st *Step) []Option {
	opts := t.options(st)
	var out []Option
	for _, v := range strings.Fields(t.s.Fields[keyCands]) {
		if i := indexOf(opts, v); i >= 0 {
			out = append(out, opts[i])
		}
	}
	return out
}

// askChoice renders a choice step: the guess, the candidates, or the list.
func (t *turn) askChoice(st *Step, r *Reply) {
	opts := t.options(st)
	listButton := Choice{Value: valList, Label: t.e.set.messages["choice_other_list"].In(t.lang())}
	if g := indexOf(opts, t.s.Fields[keyGuess+st.Field]); g >= 0 {
		t.s.Ask = AskGuess
		suggest := st.Suggest
		if suggest.ID == "" {
			suggest = t.e.set.messages["suggest"]
		}
		r.Text = fill(suggest.In(t.lang()), t.vars(map[string]string{"choice": opts[g].Label.In(t.lang())}))
		r.Choices = []Choice{{Value: opts[g].Value, Label: t.e.set.messages["choice_yes_right"].In(t.lang())}, listButton}
		return
	}
	if cands := t.candidateOptions(st); len(cands) > 0 {
		t.s.Ask = AskCandidates
		r.Text = t.msg("choose_candidates", nil)
		r.Choices = append(t.choices(cands), listButton)
		return
	}
	r.Choices = t.choices(opts)
}

// showList forgets the guesses and asks the whole list.
func (t *turn) showList(st *Step) {
	t.clearGuesses(st)
	t.ask(st)
}

// answerChoiceStep reads a typed answer to a choice step.
func (t *turn) answerChoiceStep(st *Step) {
	opts := t.options(st)
	switch t.asked {
	case AskGuess:
		g := indexOf(opts, t.s.Fields[keyGuess+st.Field])
		switch {
		case g >= 0 && (t.isWord("yes") || matchExact(t.in.Text, []Option{{Value: opts[g].Value, Label: t.e.set.messages["choice_yes_right"]}}) == 0):
			t.out.AnswerLabel = opts[g].Label.In(t.lang())
			t.choose(st, opts[g].Value)
			return
		case t.isWord("no") || matchExact(t.in.Text, []Option{t.listOption()}) == 0:
			t.showList(st)
			return
		}
	case AskCandidates:
		cands := t.candidateOptions(st)
		if i := matchExact(t.in.Text, append(cands, t.listOption())); i >= 0 {
			if i == len(cands) {
				t.showList(st)
				return
			}
			t.out.AnswerLabel = cands[i].Label.In(t.lang())
			t.choose(st, cands[i].Value)
			return
		}
	}
	i := matchOption(t.in.Text, opts)
	if i < 0 && st.Fallback != "" && containsWord(normalize(t.in.Text), normalizeAll(st.Unclear)) {
		if note, ok := st.Errors["unclear"]; ok {
			t.say(fill(note.In(t.lang()), t.vars(nil)))
		}
		t.choose(st, st.Fallback)
		return
	}
	if i >= 0 {
		t.out.AnswerLabel = opts[i].Label.In(t.lang())
		t.choose(st, opts[i].Value)
		return
	}
	if st.OptionsFrom == "services" && !isNumber(t.in.Text) {
		t.categoryFromText(st)
		return
	}
	t.reask(st, "not_in_list")
}

// categoryFromText reads a typed category by meaning. A sentence is kept as
// the description draft: the citizen already told us what happened.
func (t *turn) categoryFromText(st *Step) {
	text := strings.TrimSpace(t.in.Text)
	cats := t.e.set.categoriesIn(t.words())
	if len(cats) > 0 {
		if len(strings.Fields(text)) >= draftWords {
			t.keepAsDraft(text, false) // a sentence, not just "lampu mati"
		}
		t.setGuesses(st, cats)
		t.ask(st)
		return
	}
	t.s.Tries++
	t.keepAsDraft(text, true)
	other := t.e.set.otherService()
	if t.s.Tries >= 2 && other != "" {
		s, _ := t.e.set.catalog.Service(other)
		t.say(t.msg("category_other", map[string]string{"category": s.Name.In(t.lang())}))
		t.choose(st, other)
		return
	}
	t.clearGuesses(st)
	t.say(t.msg("category_not_found", map[string]string{"answer": clip(text, 60)}))
	t.ask(st)
}

// draftWords is how many words a category answer needs to be kept as the
// description draft when it matched ("lampu jalan depan rumah mati").
const draftWords = 5

// keepAsDraft keeps a sentence typed at the category question as the
// description draft: it replaces a draft, or, for an answer that matched
// nothing (which goes on to the catch-all category), is added to it.
func (t *turn) keepAsDraft(text string, add bool) {
	if len(strings.Fields(text)) < 2 {
		return
	}
	d := t.s.Fields["description"]
	if d != "" && t.s.Fields[keyDraft] == "" || strings.Contains(d, text) {
		return // a description written at its own question, or this text already in it
	}
	if add && d != "" {
		text = d + "\n" + text
	}
	t.s.Fields["description"] = text
	t.s.Fields[keyDraft] = "description"
}

// isWord reports whether the whole message is one of an intent's words.
func (t *turn) isWord(intent string) bool {
	a := normalize(t.in.Text)
	if a == "" {
		return false
	}
	for _, w := range t.e.set.words[intent] {
		if a == w {
			return true
		}
	}
	return false
}

// clip shortens a citizen's text for quoting it back.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// listOption is "Pilih lain": the whole list instead of the proposal.
func (t *turn) listOption() Option {
	return Option{Value: valList, Label: t.e.set.messages["choice_other_list"], Words: t.e.set.words["other_list"]}
}
