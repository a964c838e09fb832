package flows

import (
	"fmt"
	"regexp"
	"strings"
)

// requiredMessages are the message keys the engine itself uses.
var requiredMessages = []string{
	"welcome", "menu_prompt", "help", "cancelled", "nothing_to_cancel", "back_none",
	"emergency", "language_switched", "restart_unknown_step", "resume_prompt",
	"resume_continue", "resume_restart", "draft_kept", "not_understood_idle",
	"reask_not_in_list", "reask_unsupported", "photo_added", "photos_full",
	"summary_header", "summary_actions", "edit_which", "status_ask", "status_bad_number",
	"menu_report", "menu_my_reports", "menu_status", "menu_help", "menu_language",
	"choice_continue", "choice_restart", "choice_send", "choice_edit", "choice_cancel",
	"choice_skip", "choice_done", "empty_value", "draft_expired",
	"add_info_same", "add_info_replaced", "flow_dropped",
	"reask_coordinates", "reask_bad_pin", "location_outside", "choice_keep_location", "choice_other_location",
	"reask_photo_later", "reask_photo_not_here", "reask_location_later", "reask_location_not_here",
	"reask_contact_later", "reask_contact_not_here", "status_usage", "add_info_usage", "idle_media",
	"emergency_call", "suggest", "choice_yes_right", "choice_other_list", "choose_candidates",
	"category_not_found", "category_other", "choice_keep_draft", "choice_keep_answer", "choice_retype",
	"reask_command", "reask_question", "reask_place_name", "reask_place_date", "date_unknown", "date_approx",
	"date_with_words", "cancel_confirm", "choice_cancel_yes", "choice_cancel_no", "language_prompt",
	"lang_id", "lang_en", "lang_jv", "suggest_javanese", "reask_attr_list", "reask_attr_number",
	"reask_attr_required", "reask_attr_empty", "reask_attr_long", "attr_range", "reask_photo_full",
	"photos_dropped", "nearby_wait", "choice_support", "choice_send_new", "supported",
}

var stepTypes = map[string]bool{StepChoice: true, StepText: true, StepDate: true, StepLocation: true,
	StepPhotos: true, StepPhone: true, StepSummary: true, StepFinish: true, StepAttributes: true, StepNearby: true}

// checksFor are the checks each step type can make.
var checksFor = map[string]map[string]bool{
	StepText:     {CheckCommand: true, CheckQuestion: true},
	StepLocation: {CheckPlace: true},
}

// maxCallbackData is Telegram's limit for a button's data, "<flow>/<step>|<value>".
const maxCallbackData = 64

func missing(t Text) bool { return t.ID == "" || t.EN == "" }

// validate checks the loaded flows: unknown step, missing translation,
// unreachable step, bad regex, duplicate ids. Every error names the file and
// the step.
func (s *Set) validate() []error {
	var errs []error
	for _, k := range requiredMessages {
		if _, ok := s.messages[k]; !ok {
			errs = append(errs, fmt.Errorf("messages: required message %q is missing", k))
		}
	}
	for _, intent := range []string{"cancel", "back", "help", "language", "restart", "report", "my_reports", "status", "skip", "done", "yes", "no", "menu",
		"location_keep", "location_other"} {
		if len(s.words[intent]) == 0 {
			errs = append(errs, fmt.Errorf("words: intent %q has no words", intent))
		}
	}
	for _, f := range s.flows {
		errs = append(errs, s.validateFlow(f)...)
	}
	return errs
}

func (s *Set) validateFlow(f *Flow) []error {
	var errs []error
	bad := func(step, format string, a ...any) {
		where := fmt.Sprintf("%s: flow %q", f.file, f.ID)
		if step != "" {
			where += fmt.Sprintf(" step %q", step)
		}
		errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, a...)))
	}
	if f.ID == "" {
		bad("", "flow without id")
	}
	if strings.ContainsAny(f.ID, "|/ ") {
		bad("", "id must not contain '|', '/' or spaces")
	}
	f.steps = map[string]*Step{}
	for _, st := range f.Steps {
		if st.ID == "" {
			bad("", "a step has no id")
			continue
		}
		if _, dup := f.steps[st.ID]; dup {
			bad(st.ID, "duplicate step id")
		}
		f.steps[st.ID] = st
	}
	if _, ok := f.steps[f.Start]; !ok {
		bad("", "start step %q does not exist", f.Start)
	}
	if f.Intro.ID != "" || f.Intro.EN != "" {
		if missing(f.Intro) {
			bad("", "intro: missing translation (needs id and en)")
		}
	}
	if (f.Cancelled.ID != "" || f.Cancelled.EN != "") && missing(f.Cancelled) {
		bad("", "cancelled: missing translation (needs id and en)")
	}
	for _, st := range f.Steps {
		if !stepTypes[st.Type] {
			bad(st.ID, "unknown type %q", st.Type)
			continue
		}
		if len(f.ID)+len(st.ID)+2 > 40 {
			bad(st.ID, "flow and step id too long for Telegram's 64-byte callback data")
		}
		if st.Type != StepFinish && st.Type != StepSummary && st.Type != StepAttributes && missing(st.Prompt) {
			bad(st.ID, "prompt: missing translation (needs id and en)")
		}
		for name, t := range map[string]Text{"suggest": st.Suggest, "draft": st.Draft} {
			if (t.ID != "" || t.EN != "") && missing(t) {
				bad(st.ID, "%s: missing translation (needs id and en)", name)
			}
		}
		for _, c := range st.Checks {
			if !checksFor[st.Type][c] {
				bad(st.ID, "check %q: not a check of a %s step (text: command, question; location: place)", c, st.Type)
			}
		}
		if st.Type == StepAttributes {
			if st.Field != "" {
				bad(st.ID, "an attributes step stores attr.<code> fields; it has no field")
			}
			if missing(st.Label) {
				bad(st.ID, "label: missing translation (needs id and en)")
			}
			if longest := s.longestAttributeValue(); len(f.ID)+len(st.ID)+2+longest > maxCallbackData {
				bad(st.ID, "flow and step id too long for the attribute buttons' callback data (%d bytes of values)", longest)
			}
		}
		if st.Field != "" && missing(st.Label) {
			bad(st.ID, "label: missing translation (needs id and en)")
		}
		for reason, t := range st.Errors {
			if missing(t) {
				bad(st.ID, "errors.%s: missing translation (needs id and en)", reason)
			}
		}
		if st.Next != "" {
			if _, ok := f.steps[st.Next]; !ok {
				bad(st.ID, "next: unknown step %q", st.Next)
			}
		} else if st.Type != StepFinish && st.Type != StepSummary && !hasOptionNext(st) {
			bad(st.ID, "no next step")
		}
		if st.Pattern != "" {
			re, err := regexp.Compile(st.Pattern)
			if err != nil {
				bad(st.ID, "bad regex %q: %v", st.Pattern, err)
			} else {
				s.patterns[f.ID+"/"+st.ID] = re
			}
		}
		switch st.Type {
		case StepChoice:
			switch st.OptionsFrom {
			case "":
				if len(st.Options) == 0 {
					bad(st.ID, "choice step without options")
				}
			case "services", "kecamatan":
			default:
				bad(st.ID, "options_from %q: must be services or kecamatan", st.OptionsFrom)
			}
			seen := map[string]bool{}
			for _, o := range st.Options {
				if o.Value == "" || seen[o.Value] || strings.Contains(o.Value, "|") {
					bad(st.ID, "option %q: empty, duplicate or containing '|'", o.Value)
				}
				seen[o.Value] = true
				if missing(o.Label) {
					bad(st.ID, "option %q: label missing translation (needs id and en)", o.Value)
				}
				if (o.Help.ID != "" || o.Help.EN != "") && missing(o.Help) {
					bad(st.ID, "option %q: help missing translation (needs id and en)", o.Value)
				}
				if o.Next != "" {
					if _, ok := f.steps[o.Next]; !ok {
						bad(st.ID, "option %q: next: unknown step %q", o.Value, o.Next)
					}
				}
			}
			if st.Fallback != "" && !seen[st.Fallback] {
				bad(st.ID, "fallback %q is not an option", st.Fallback)
			}
		case StepNearby:
			if st.Next == "" {
				bad(st.ID, "a nearby step needs next (the finish step that sends)")
			}
		case StepFinish:
			if st.Action == "" && missing(st.Reply) {
				bad(st.ID, "finish needs an action or a reply")
			}
			if (st.Reply.ID != "" || st.Reply.EN != "") && missing(st.Reply) {
				bad(st.ID, "reply: missing translation (needs id and en)")
			}
		case StepSummary:
			for _, id := range st.Fields {
				if _, ok := f.steps[id]; !ok {
					bad(st.ID, "fields: unknown step %q", id)
				}
			}
			if st.Next == "" {
				bad(st.ID, "summary needs next (the finish step)")
			}
		}
	}
	// Reachability from the start, through next, option next and summary edits.
	reached := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		st, ok := f.steps[id]
		if !ok || reached[id] {
			return
		}
		reached[id] = true
		walk(st.Next)
		for _, o := range st.Options {
			walk(o.Next)
		}
		for _, e := range st.Fields {
			walk(e)
		}
	}
	walk(f.Start)
	for _, st := range f.Steps {
		if st.ID != "" && !reached[st.ID] {
			bad(st.ID, "unreachable from start step %q", f.Start)
		}
	}
	return errs
}

func hasOptionNext(st *Step) bool {
	if len(st.Options) == 0 {
		return false
	}
	for _, o := range st.Options {
		if o.Next == "" {
			return false
		}
	}
	return true
}

// longestAttributeValue is the longest "<code>=<key>" button value of the
// catalogue's list attributes.
func (s *Set) longestAttributeValue() int {
	n := 0
	for _, svc := range s.catalog.Services {
		for _, a := range svc.Attributes {
			for _, v := range a.Values {
				n = max(n, len(a.Code)+1+len(v.Key))
			}
		}
	}
	return n
}
