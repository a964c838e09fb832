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
		if st.Type == StepFinish {
			t.finish(st)
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
	if st.Type == StepLocation && t.s.Pin != nil {
		t.askOutside(st)
		return
	}
	r := Reply{Text: fill(st.Prompt.In(t.lang()), t.vars(nil)), Step: t.s.Flow + "/" + st.ID}
	switch st.Type {
	case StepChoice:
		opts := t.options(st)
		r.Choices = t.choices(opts)
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
	text, ok := st.Errors[reason]
	switch {
	case ok:
		t.say(fill(text.In(t.lang()), t.vars(map[string]string{"min": fmt.Sprint(st.Min), "max": fmt.Sprint(st.Max)})))
	case reason == "unsupported":
		// A refused photo (too large, not an image) or a live location has
		// its own explanation; anything else the generic one.
		key := "reask_" + t.in.Unsupported
		if !t.e.set.HasMessage(key) {
			key = "reask_unsupported"
		}
		t.say(t.msg(key, nil))
	case t.e.set.HasMessage("reask_" + reason):
		// A reason every step of a type shares (bad coordinates at any
		// location step) has one text in messages.yaml; a step may override it.
		t.say(t.msg("reask_"+reason, nil))
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

func (t *turn) editOptions(st *Step) []Option {
	opts := make([]Option, 0, len(st.Fields))
	for _, id := range st.Fields {
		fst, _ := t.flow().step(id)
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
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return d.Format("02/01/2006")
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
