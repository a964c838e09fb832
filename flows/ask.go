package flows

import (
	"fmt"
	"strings"
	"time"
)

// options are a choice step's answers, from the step or the catalogue.
func (t *turn) options(st *Step) []Option {
	switch st.OptionsFrom {
	case "services":
		c := t.e.set.catalog
		opts := make([]Option, len(c.Services))
		for i, s := range c.Services {
			opts[i] = Option{Value: s.Code, Label: s.Name}
		}
		return opts
	case "kecamatan":
		c := t.e.set.catalog
		opts := make([]Option, len(c.Kecamatan))
		for i, k := range c.Kecamatan {
			opts[i] = Option{Value: strings.ToLower(k), Label: Text{ID: k, EN: k}}
		}
		return opts
	}
	return st.Options
}

// choices renders options in the citizen's language.
func (t *turn) choices(opts []Option) []Choice {
	out := make([]Choice, len(opts))
	for i, o := range opts {
		out[i] = Choice{Value: o.Value, Label: o.Label.In(t.lang())}
	}
	return out
}

// enter moves to step id (recording the step left for "back") and asks it.
// Steps whose field is already known are skipped; a finish step runs at once.
func (t *turn) enter(id string) {
	f := t.flow()
	for hops := 0; hops < len(f.Steps)+1; hops++ {
		st, ok := f.step(id)
		if !ok {
			return
		}
		t.s.Step, t.s.Tries, t.s.Pin = id, 0, nil
		if st.SkipIfSet != "" && t.s.Fields[st.SkipIfSet] != "" && st.Next != "" {
			id = st.Next
			continue
		}
		switch st.Type {
		case StepFinish:
			t.finish(st)
			return
		case StepAttributes:
			t.inferAttributes()
			if t.pendingAttribute() == nil {
				id = st.Next
				continue
			}
		case StepNearby:
			if !t.e.cfg.CheckNearby {
				id = st.Next
				continue
			}
			delete(t.s.Fields, keyDup)
			t.askNearby(st)
			return
		}
		t.ask(st)
		return
	}
}

// advance goes from the current step to next, remembering the way back.
func (t *turn) advance(next string) {
	if t.s.Editing {
		t.s.Editing = false
		next = t.summaryStep()
	}
	t.s.Back = append(t.s.Back, t.s.Step)
	if len(t.s.Back) > 20 {
		t.s.Back = t.s.Back[len(t.s.Back)-20:]
	}
	t.enter(next)
}

func (t *turn) summaryStep() string {
	for _, st := range t.flow().Steps {
		if st.Type == StepSummary {
			return st.ID
		}
	}
	return t.s.Step
}

// ask renders the question of step st.
func (t *turn) ask(st *Step) {
	if st == nil {
		t.showMenu()
		return
	}
	t.s.Ask = ""
	if st.Type == StepLocation && t.s.Pin != nil {
		t.askOutside(st)
		return
	}
	r := Reply{Text: fill(st.Prompt.In(t.lang()), t.vars(nil)), Step: t.s.Flow + "/" + st.ID}
	switch st.Type {
	case StepAttributes:
		if a := t.pendingAttribute(); a != nil {
			t.askAttribute(st, a)
			return
		}
		t.clearAttributes() // back here after answering all: ask them again
		if a := t.pendingAttribute(); a != nil {
			t.askAttribute(st, a)
			return
		}
	case StepNearby:
		if t.s.Fields[keyDup] == "" {
			r.Text = t.msg("nearby_wait", nil)
			r.Choices = t.choices(t.duplicateOptions()[1:])
			break
		}
		t.askDuplicate(st, &r)
	case StepText:
		if t.s.Fields[keyDraft] == st.Field && st.Field != "" {
			t.askDraft(st, &r)
		}
	case StepChoice:
		opts := t.options(st)
		t.askChoice(st, &r)
		if t.s.Ask != "" {
			break
		}
		var help []string
		for _, o := range opts {
			if o.Help.ID != "" {
				help = append(help, fmt.Sprintf("• %s: %s", o.Label.In(t.lang()), o.Help.In(t.lang())))
			}
		}
		if len(help) > 0 {
			r.Text += "\n\n" + strings.Join(help, "\n")
		}
	case StepLocation:
		r.Ask = AskLocation
	case StepPhone:
		r.Ask = AskContact
	case StepPhotos:
		r.Ask = AskPhoto
		if n := len(t.photoRefs()); n > 0 {
			r.Choices = []Choice{{Value: "done", Label: t.e.set.messages["choice_done"].In(t.lang())}}
		} else {
			r.Choices = []Choice{{Value: "skip", Label: t.e.set.messages["choice_skip"].In(t.lang())}}
		}
	case StepSummary:
		t.askSummary(st)
		return
	}
	if st.Optional && st.Type != StepChoice && st.Type != StepPhotos {
		r.Choices = append(r.Choices, Choice{Value: "skip", Label: t.e.set.messages["choice_skip"].In(t.lang())})
	}
	t.out.Replies = append(t.out.Replies, r)
}

// reask explains what was wrong with an answer and asks again.
func (t *turn) reask(st *Step, reason string) {
	t.s.Tries++
	vars := map[string]string{"min": fmt.Sprint(st.Min), "max": fmt.Sprint(st.Max), "answer": clip(t.in.Text, 60)}
	text, ok := st.Errors[reason]
	switch {
	case ok:
		t.say(fill(text.In(t.lang()), t.vars(vars)))
	case reason == "unsupported":
		// A refused photo (too large, not an image) or a live location has
		// its own explanation; anything else the generic one.
		t.say(t.unsupportedText())
	case t.e.set.HasMessage("reask_" + reason):
		// A reason every step of a type shares (bad coordinates at any
		// location step) has one text in messages.yaml; a step may override it.
		t.say(t.msg("reask_"+reason, vars))
	default:
		t.say(t.msg("reask_not_in_list", nil))
	}
	t.ask(st)
}

// askSummary shows every answer with the actions: send, edit, cancel; or,
// while Editing, the list of fields to edit.
func (t *turn) askSummary(st *Step) {
	key := t.s.Flow + "/" + st.ID
	if t.s.Editing {
		t.out.Replies = append(t.out.Replies, Reply{Text: t.msg("edit_which", nil),
			Choices: t.choices(t.editOptions(st)), Step: key})
		return
	}
	var b strings.Builder
	b.WriteString(t.msg("summary_header", nil))
	for _, id := range st.Fields {
		fst, _ := t.flow().step(id)
		if fst.Type == StepAttributes {
			if v := t.displayAttributes(); v != "" {
				fmt.Fprintf(&b, "\n• %s", v)
			}
			continue
		}
		fmt.Fprintf(&b, "\n• %s: %s", fst.Label.In(t.lang()), t.display(fst))
	}
	b.WriteString("\n\n" + t.msg("summary_actions", nil))
	t.out.Replies = append(t.out.Replies, Reply{Text: b.String(), Choices: t.choices(t.summaryOptions()), Step: key})
}

func (t *turn) summaryOptions() []Option {
	return []Option{
		{Value: "send", Label: t.e.set.messages["choice_send"], Words: t.e.set.words["yes"]},
		{Value: "edit", Label: t.e.set.messages["choice_edit"]},
		{Value: "cancel", Label: t.e.set.messages["choice_cancel"]},
	}
}

func (t *turn) editOptions(st *Step) []Option { return t.editOptionsOf(t.flow(), st) }

func (t *turn) editOptionsOf(f *Flow, st *Step) []Option {
	opts := make([]Option, 0, len(st.Fields))
	for _, id := range st.Fields {
		fst, _ := f.step(id)
		if fst.Type == StepAttributes && len(t.attributes()) == 0 {
			continue // this category asks nothing of its own
		}
		opts = append(opts, Option{Value: id, Label: fst.Label})
	}
	return opts
}

// display is a field's answer as the summary shows it.
func (t *turn) display(st *Step) string {
	empty := t.msg("empty_value", nil)
	v := t.s.Fields[st.Field]
	switch st.Type {
	case StepChoice:
		for _, o := range t.options(st) {
			if o.Value == v {
				return o.Label.In(t.lang())
			}
		}
	case StepLocation:
		var parts []string
		if a := t.s.Fields["address"]; a != "" {
			parts = append(parts, a)
		}
		if lat := t.s.Fields["lat"]; lat != "" {
			parts = append(parts, lat+", "+t.s.Fields["lon"])
		}
		if k := t.s.Fields["kecamatan"]; k != "" {
			parts = append(parts, "Kec. "+t.kecamatanName(k))
		}
		if len(parts) > 0 {
			return strings.Join(parts, " · ")
		}
	case StepPhotos:
		return fmt.Sprint(len(t.photoRefs()))
	case StepDate:
		words := t.s.Fields[st.Field+"_text"]
		if t.s.Fields[st.Field+"_unknown"] != "" {
			return t.msg("date_unknown", map[string]string{"words": words})
		}
		if d, err := time.Parse("2006-01-02", v); err == nil {
			vars := map[string]string{"date": d.Format("02/01/2006"), "words": words}
			switch {
			case t.s.Fields[st.Field+"_approx"] != "":
				return t.msg("date_approx", vars)
			case words != "":
				return t.msg("date_with_words", vars)
			}
			return vars["date"]
		}
	case StepText:
		if r := []rune(v); len(r) > 200 {
			return string(r[:200]) + "…"
		}
	}
	if v == "" {
		return empty
	}
	return v
}

func (t *turn) kecamatanName(v string) string {
	for _, k := range t.e.set.catalog.Kecamatan {
		if strings.ToLower(k) == v {
			return k
		}
	}
	return v
}

// stepOptions are every option a press on a step can carry, for the label
// a channel shows in place of the pressed question.
func (t *turn) stepOptions(f *Flow, st *Step) []Option {
	opts := append([]Option{}, t.options(st)...)
	if st.Type == StepSummary {
		opts = append(opts, t.summaryOptions()...)
		opts = append(opts, t.editOptionsOf(f, st)...)
	}
	if a := t.pendingAttribute(); a != nil && st.Type == StepAttributes {
		opts = append(opts, attrOptions(a)...)
	}
	opts = append(opts, t.checkOptions()...)
	opts = append(opts, t.cancelOptions()...)
	opts = append(opts, t.duplicateOptions()...)
	opts = append(opts, Option{Value: valList, Label: t.e.set.messages["choice_other_list"]},
		Option{Value: valDone, Label: t.e.set.messages["choice_keep_draft"]})
	return opts
}
