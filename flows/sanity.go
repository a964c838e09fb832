package flows

import (
	"strings"
	"unicode/utf8"
)

// Sanity checks of a typed answer: they ask, never refuse. A command word
// typed alone where a title or a name belongs ("ubah", "lewati") is asked
// again with how commands work; a title that is a question, or a place that
// reads like a person's name or a date ("Budi Santoso", "12 November"), is
// confirmed ("Maksudnya lokasi di …?"), and the citizen may keep it.

// checked runs the step's checks on an answer that passed its limits. It
// reports whether it asked something instead of taking the answer.
func (t *turn) checked(st *Step, text string) bool {
	lx := t.e.set.lex
	ws := t.words()
	for _, c := range st.Checks {
		switch c {
		case CheckCommand:
			if isOnly(ws, lx.commands) { // a text step checks it before its limits
				t.reask(st, "command")
				return true
			}
		case CheckQuestion:
			if strings.HasSuffix(strings.TrimSpace(text), "?") || startsWith(ws, lx.questions) {
				t.confirmAnswer(st, text, "question")
				return true
			}
		case CheckPlace:
			switch {
			case t.looksLikeDate(text):
				t.confirmAnswer(st, text, "place_date")
				return true
			case t.looksLikeName(ws, text):
				t.confirmAnswer(st, text, "place_name")
				return true
			}
		}
	}
	return false
}

// looksLikeName: two or three words of letters only, none of them a word
// of an address, a kecamatan, or a problem ("Budi Santoso").
func (t *turn) looksLikeName(ws []word, text string) bool {
	lx := t.e.set.lex
	if len(ws) < 2 || len(ws) > 3 {
		return false
	}
	for _, w := range ws {
		if !allLetters(w.w) || utf8.RuneCountInString(w.w) < 2 {
			return false
		}
	}
	return !anyMatch(ws, lx.places) && !anyMatch(ws, lx.problems) && t.e.set.catalog.kecamatanInText(text) == ""
}

// looksLikeDate: the answer reads as a date ("kemarin", "12/11/2026").
func (t *turn) looksLikeDate(text string) bool {
	w, err := ParseWhen(text, t.in.Now)
	return err == nil && !w.Unknown || err == ErrDateFuture
}

// confirmAnswer keeps an odd answer aside and asks whether it is meant.
func (t *turn) confirmAnswer(st *Step, text, reason string) {
	t.s.Fields[keyPending] = text
	t.s.Ask = AskCheck
	t.out.Replies = append(t.out.Replies, Reply{
		Text:    t.reasonText(st, reason, map[string]string{"answer": clip(text, 80)}),
		Choices: t.choices(t.checkOptions()), Step: t.s.Flow + "/" + st.ID})
}

func (t *turn) checkOptions() []Option {
	return []Option{
		{Value: valKeep, Label: t.e.set.messages["choice_keep_answer"], Words: t.e.set.words["yes"]},
		{Value: valRetype, Label: t.e.set.messages["choice_retype"], Words: append(t.e.set.words["no"], "ulang", "tulis ulang", "ganti", "salah", "bukan")},
	}
}

// answerCheck reads the answer to a confirm: keep the pending answer, type
// it again, or (anything else) a new answer. It reports whether it was one
// of the first two.
func (t *turn) answerCheck(st *Step, value string) bool {
	pending, ok := t.s.Fields[keyPending]
	delete(t.s.Fields, keyPending)
	if value == "" {
		if i := matchExact(t.in.Text, t.checkOptions()); i >= 0 {
			value = t.checkOptions()[i].Value
		}
	}
	switch {
	case value == valKeep && ok:
		t.keep(st, pending)
		return true
	case value == valRetype || value == valKeep:
		t.ask(st)
		return true
	}
	return false
}

// keep stores a confirmed answer as the step would have.
func (t *turn) keep(st *Step, text string) {
	if st.Type == StepLocation {
		t.forgetPlace()
		t.s.Fields["address"] = text
		t.s.Fields[st.Field] = "address"
	} else {
		t.s.Fields[st.Field] = text
	}
	t.advance(st.Next)
}

// reasonText is a step's text for reason (its errors), else the engine's
// message "reask_<reason>".
func (t *turn) reasonText(st *Step, reason string, vars map[string]string) string {
	if txt, ok := st.Errors[reason]; ok {
		return fill(txt.In(t.lang()), t.vars(vars))
	}
	return t.msg("reask_"+reason, vars)
}

// answerDraft completes a field that holds a draft (the first message):
// "sudah cukup" keeps it, anything else is added to it.
func (t *turn) answerDraft(st *Step, value string) {
	draft := t.s.Fields[st.Field]
	text := draft
	keep := value == valDone || value == "" && (t.isWord("done") || t.isWord("yes") ||
		matchExact(t.in.Text, []Option{{Value: valDone, Label: t.e.set.messages["choice_keep_draft"]}}) == 0)
	if !keep {
		add := t.in.Text
		if strings.Contains(add, strings.TrimSpace(draft)) {
			text = add
		} else {
			text = draft + "\n" + add
		}
	}
	n := utf8.RuneCountInString(strings.TrimSpace(text))
	switch {
	case st.Min > 0 && n < st.Min:
		t.reask(st, "too_short")
		return
	case st.Max > 0 && n > st.Max:
		t.reask(st, "too_long")
		return
	}
	t.s.Fields[st.Field] = text
	delete(t.s.Fields, keyDraft)
	t.advance(st.Next)
}

// askDraft asks a text step whose field holds a draft.
func (t *turn) askDraft(st *Step, r *Reply) {
	draft := t.s.Fields[st.Field]
	if st.Draft.ID != "" {
		r.Text = fill(st.Draft.In(t.lang()), t.vars(map[string]string{"draft": clip(draft, 300), "min": itoa(st.Min)}))
	}
	if st.Min == 0 || utf8.RuneCountInString(strings.TrimSpace(draft)) >= st.Min {
		r.Choices = append(r.Choices, Choice{Value: valDone, Label: t.e.set.messages["choice_keep_draft"].In(t.lang())})
	}
}

// isCommand: the message is a command word alone.
func (t *turn) isCommand() bool { return isOnly(t.words(), t.e.set.lex.commands) }

// dunno: the message says "I don't know" (an optional question's skip).
func (t *turn) dunno() bool {
	w, err := ParseWhen(t.in.Text, t.in.Now)
	return err == nil && w.Unknown || anyMatch(t.words(), t.e.set.lex.notSeen)
}
