package flows

import "strings"

// Duplicates nearby: before a report is sent, the complaint side is asked
// for an open report like it (ActionNearby). The engine stays pure: the
// lookup is an action, and its answer comes back as an input (Start
// "<flow>/<step>", Pending the number found, Intro how to say it), as a
// status answer does. When one is found the citizen chooses: support it
// (follow it, +1; their draft is not sent) or send theirs anyway.

// nearbyFields are the draft's fields the lookup needs.
var nearbyFields = []string{"category", "title", "lat", "lon", "kecamatan", "address"}

// askNearby sends the lookup and waits without a word: the pressed "Send"
// already shows as the answer, and the reply follows in a moment.
func (t *turn) askNearby(st *Step) {
	f := map[string]string{}
	for _, k := range nearbyFields {
		if v := t.s.Fields[k]; v != "" {
			f[k] = v
		}
	}
	t.out.Actions = append(t.out.Actions, Action{Kind: ActionNearby, Fields: f})
}

// lookupAnswer takes the complaint side's answer, if the conversation still
// waits for it.
func (t *turn) lookupAnswer() {
	flow, step, _ := strings.Cut(t.in.Start, "/")
	if t.s.Flow != flow || t.s.Step != step || t.s.Resume || t.s.Fields[keyDup] != "" {
		return // the citizen moved on (back, cancel), or it was answered
	}
	st := t.step()
	if st == nil || st.Type != StepNearby {
		return
	}
	t.out.Accepted = true
	if t.in.Pending == "" {
		t.advance(st.Next)
		return
	}
	t.s.Fields[keyDup] = strings.ToUpper(strings.TrimSpace(t.in.Pending))
	if t.in.Intro != "" {
		t.say(t.in.Intro)
	}
	t.ask(st)
}

func (t *turn) duplicateOptions() []Option {
	return []Option{
		{Value: "~support", Label: t.e.set.messages["choice_support"], Words: t.e.set.words["support"]},
		{Value: "~send", Label: t.e.set.messages["choice_send_new"], Words: append([]string{"kirim", "baru", "kirim baru", "send", "new"}, t.e.set.words["yes"]...)},
	}
}

// askDuplicate asks whether to support the similar report.
func (t *turn) askDuplicate(st *Step, r *Reply) {
	t.s.Ask = AskDuplicate
	r.Text = fill(st.Prompt.In(t.lang()), t.vars(map[string]string{"number": t.s.Fields[keyDup]}))
	r.Choices = t.choices(t.duplicateOptions())
}

// answerNearby reads an answer at the nearby step: the choice when a
// report was found; while waiting, "kirim" sends without waiting (the
// complaint side may be slow or down, the citizen is never stuck).
func (t *turn) answerNearby(st *Step, value string) {
	dup := t.s.Fields[keyDup]
	if value == "" {
		if i := matchOption(t.in.Text, t.duplicateOptions()); i >= 0 {
			value = t.duplicateOptions()[i].Value
		}
	}
	switch {
	case dup != "" && value == "~support":
		t.out.Actions = append(t.out.Actions, Action{Kind: ActionSupport, Args: map[string]string{"number": dup}})
		t.clearFlow()
		t.say(t.msg("supported", map[string]string{"number": dup}))
		t.resume()
	case value == "~send":
		delete(t.s.Fields, keyDup)
		t.advance(st.Next)
	case dup != "":
		t.reask(st, "not_in_list")
	default:
		t.say(t.msg("nearby_wait", nil))
	}
}
