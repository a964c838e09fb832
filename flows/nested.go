package flows

import "strings"

// Flow ids the engine itself starts (from the menu and the global words).
const (
	flowComplaint = "complaint" // the report draft: the one flow a citizen comes back to
	flowAddInfo   = "add_info"
	flowStatus    = "status"
)

// maxOuter caps the flows put aside, so a session stays a few hundred bytes
// however many questions an admin sends in a row.
const maxOuter = 3

// suspend puts the running flow aside with its answers, report number and way
// back, so another flow starts on a clean slate and cannot overwrite them (an
// add-info's photos are not the draft's photos); it resumes when that one
// ends. When maxOuter flows already wait, the oldest follow-up (never the
// report draft) is dropped, and the citizen is told.
func (t *turn) suspend() {
	if t.s.Flow == "" {
		return
	}
	if len(t.s.Outer) >= maxOuter {
		for i, fr := range t.s.Outer {
			if fr.Flow != flowComplaint {
				t.sayDropped(fr.Pending)
				t.s.Outer = append(t.s.Outer[:i:i], t.s.Outer[i+1:]...)
				break
			}
		}
	}
	t.s.Outer = append(t.s.Outer, Frame{Flow: t.s.Flow, Step: t.s.Step, Back: t.s.Back,
		Fields: t.s.Fields, Pending: t.s.Pending, Editing: t.s.Editing, Pin: t.s.Pin})
	t.clearFlow()
}

// resume brings back the innermost interrupted flow, exactly as it was left,
// and asks its question again. It reports whether there was one. The running
// flow must have been cleared.
func (t *turn) resume() bool {
	n := len(t.s.Outer)
	if n == 0 {
		return false
	}
	fr := t.s.Outer[n-1]
	t.s.Outer = t.s.Outer[:n-1]
	t.s.Flow, t.s.Step, t.s.Back, t.s.Pending, t.s.Editing = fr.Flow, fr.Step, fr.Back, fr.Pending, fr.Editing
	t.s.Pin = fr.Pin
	t.s.Fields, t.s.Tries, t.s.Resume = fr.Fields, 0, false
	if t.s.Fields == nil {
		t.s.Fields = map[string]string{}
	}
	t.ask(t.step())
	return true
}

// toDraft ends the follow-ups running above a suspended report draft and
// brings the draft back without asking anything (the caller offers to
// continue it). It reports whether a draft was waiting.
func (t *turn) toDraft() bool {
	at := -1
	for i, fr := range t.s.Outer {
		if fr.Flow == flowComplaint {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	t.sayDropped(t.s.Pending)
	for j := len(t.s.Outer) - 1; j > at; j-- {
		t.sayDropped(t.s.Outer[j].Pending)
	}
	t.clearFlow()
	fr := t.s.Outer[at]
	t.s.Outer = t.s.Outer[:at]
	t.s.Flow, t.s.Step, t.s.Back, t.s.Pending, t.s.Editing = fr.Flow, fr.Step, fr.Back, fr.Pending, fr.Editing
	t.s.Pin = fr.Pin
	t.s.Fields = fr.Fields
	if t.s.Fields == nil {
		t.s.Fields = map[string]string{}
	}
	return true
}

// sayDropped tells the citizen that what they were writing for a report was
// not sent, and how to send it later. A flow without a report number (typing
// a number for "status") goes without a word.
func (t *turn) sayDropped(number string) {
	if number != "" {
		t.say(t.msg("flow_dropped", map[string]string{"number": number}))
	}
}

// clearAll ends the running flow and every flow it interrupted.
func (t *turn) clearAll() {
	t.clearFlow()
	t.s.Outer, t.s.Ret = nil, ""
}

// cancel ends the running flow with its own cancel text (cancelling an
// add-info must not say that the report draft was deleted) and resumes the
// flow it interrupted, or shows the menu.
func (t *turn) cancel() {
	text := t.msg("cancelled", nil)
	if f := t.flow(); f != nil && f.Cancelled.ID != "" {
		text = fill(f.Cancelled.In(t.lang()), t.vars(nil))
	}
	t.clearFlow()
	t.say(text)
	if !t.resume() {
		t.showMenu()
	}
}

// adoptLegacyRet turns the Ret of a session stored before frames into a
// Frame. Then both flows' answers shared one map: the running flow keeps the
// fields of the steps it has answered (its way back holds only its own
// steps), the interrupted flow gets the rest. Both write "photos", so photos
// already added by the running flow stay mixed: the draft keeps them, which
// loses nothing.
func (t *turn) adoptLegacyRet() {
	if t.s.Ret == "" {
		return
	}
	flow, step, _ := strings.Cut(t.s.Ret, "/")
	t.s.Ret = ""
	if t.s.Flow == "" || !t.known(flow, step) || len(t.s.Outer) > 0 {
		return
	}
	own := map[string]bool{}
	for _, id := range t.s.Back {
		if st, ok := t.flow().step(id); ok {
			for _, k := range stepFields(st) {
				own[k] = true
			}
		}
	}
	fr := Frame{Flow: flow, Step: step, Fields: map[string]string{}}
	for k, v := range t.s.Fields {
		if !own[k] {
			fr.Fields[k] = v
			delete(t.s.Fields, k)
		}
	}
	t.s.Outer = []Frame{fr}
}

// dropUnknownFrames forgets interrupted flows whose flow or step a deploy
// removed: resuming them would break.
func (t *turn) dropUnknownFrames() {
	kept := t.s.Outer[:0]
	for _, fr := range t.s.Outer {
		if t.known(fr.Flow, fr.Step) {
			kept = append(kept, fr)
		}
	}
	t.s.Outer = kept
}

// stepFields are the answer fields a step writes.
func stepFields(st *Step) []string {
	switch st.Type {
	case StepPhotos:
		return []string{st.Field, "photos"}
	case StepLocation:
		return []string{st.Field, "lat", "lon", "address", "kecamatan"}
	case StepDate:
		return whenFields(st.Field)
	}
	return []string{st.Field}
}
