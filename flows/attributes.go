package flows

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A category's own questions (Open311 service definition attributes): the
// PJU pole number, the size of a pothole, since when waste lies uncollected.
// A step of type "attributes" asks those of the chosen category, one per
// turn, after the description; each has its own validation and, unless
// required, a skip. Answers are stored as Fields["attr.<code>"] (an empty
// value for a skipped one), shown in the summary and sent with the report.

// Attribute datatypes the chat can ask (Open311 names).
const (
	AttrString = "string"
	AttrText   = "text"
	AttrNumber = "number"
	AttrList   = "singlevaluelist"
)

// Attribute is one question of a service definition.
type Attribute struct {
	Code     string `yaml:"code" json:"code"`
	Datatype string `yaml:"datatype" json:"datatype"`
	Required bool   `yaml:"required" json:"required"`
	// Label names the answer in the summary; Description is the question.
	Label       Text             `yaml:"label" json:"label"`
	Description Text             `yaml:"description" json:"description"`
	Values      []AttributeValue `yaml:"values" json:"values,omitempty"`
	// Number range, and the longest string (default 200, text 2000).
	Min       *float64 `yaml:"min" json:"min,omitempty"`
	Max       *float64 `yaml:"max" json:"max,omitempty"`
	MaxLength int      `yaml:"max_length" json:"max_length,omitempty"`
}

// AttributeValue is one answer of a singlevaluelist.
type AttributeValue struct {
	Key  string `yaml:"key" json:"key"`
	Name Text   `yaml:"name" json:"name"`
	// Words choose this value when typed, and when the description already
	// says it ("lubang besar"): then the question is not asked at all.
	Words []string `yaml:"words" json:"-"`
}

// attrPrefix starts the field name of an attribute's answer.
const attrPrefix = "attr."

var attrCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// maxValueLen bounds a value that becomes button data (Telegram allows 64
// bytes for "<flow>/<step>|<value>").
const maxValueLen = 20

func (a Attribute) maxLength() int {
	switch {
	case a.MaxLength > 0:
		return a.MaxLength
	case a.Datatype == AttrText:
		return 2000
	}
	return 200
}

func validateAttributes(file string, s Service) []error {
	var errs []error
	bad := func(a Attribute, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: service %q attribute %q: %s", file, s.Code, a.Code, fmt.Sprintf(format, args...)))
	}
	seen := map[string]bool{}
	for _, a := range s.Attributes {
		if !attrCode.MatchString(a.Code) || len(a.Code) > 16 || seen[a.Code] {
			bad(a, "code must be lower-case letters, digits or _, at most 16, unique in the service")
		}
		seen[a.Code] = true
		if missing(a.Description) {
			bad(a, "description (the question): missing translation (needs id and en)")
		}
		if (a.Label.ID != "" || a.Label.EN != "") && missing(a.Label) {
			bad(a, "label: missing translation (needs id and en)")
		}
		switch a.Datatype {
		case AttrString, AttrText:
		case AttrNumber:
			if a.Min != nil && a.Max != nil && *a.Min > *a.Max {
				bad(a, "min %v is above max %v", *a.Min, *a.Max)
			}
		case AttrList:
			if len(a.Values) < 2 {
				bad(a, "a singlevaluelist needs at least two values")
			}
			keys := map[string]bool{}
			for _, v := range a.Values {
				if v.Key == "" || keys[v.Key] || len(v.Key) > 16 || strings.ContainsAny(v.Key, "|= ") {
					bad(a, "value %q: empty, duplicate, longer than 16, or containing '|', '=' or a space", v.Key)
				}
				keys[v.Key] = true
				if missing(v.Name) {
					bad(a, "value %q: name missing translation (needs id and en)", v.Key)
				}
			}
		default:
			bad(a, "datatype %q: the chat asks string, text, number or singlevaluelist", a.Datatype)
		}
		if a.Datatype != AttrList && len(a.Values) > 0 {
			bad(a, "values are only for a singlevaluelist")
		}
	}
	return errs
}

// attributes are the chosen category's questions.
func (t *turn) attributes() []Attribute {
	s, _ := t.e.set.catalog.Service(t.s.Fields["category"])
	return s.Attributes
}

// pendingAttribute is the first question of the category not yet answered
// (or skipped); nil when all are.
func (t *turn) pendingAttribute() *Attribute {
	attrs := t.attributes()
	for i := range attrs {
		if _, done := t.s.Fields[attrPrefix+attrs[i].Code]; !done {
			return &attrs[i]
		}
	}
	return nil
}

// clearAttributes forgets the answers (a new category, an edit, a way back).
func (t *turn) clearAttributes() {
	for k := range t.s.Fields {
		if strings.HasPrefix(k, attrPrefix) {
			delete(t.s.Fields, k)
		}
	}
}

// inferAttributes fills a list question the description already answers
// with exactly one of its values ("lubang besar di depan sekolah"): asking
// it again would cost the citizen a message. The summary shows it, and it
// can be changed there.
func (t *turn) inferAttributes() {
	lx := t.e.set.lex
	ws := lx.read(t.s.Fields["description"] + "\n" + t.s.Fields["title"])
	for _, a := range t.attributes() {
		key := attrPrefix + a.Code
		if _, done := t.s.Fields[key]; done || a.Datatype != AttrList {
			continue
		}
		found := ""
		for _, v := range a.Values {
			for _, w := range v.Words {
				if p := lx.phrase(w); p != nil && lx.counts(ws, p) {
					if found != "" && found != v.Key {
						found = "-" // two values: ask
					} else if found == "" {
						found = v.Key
					}
				}
			}
		}
		if found != "" && found != "-" {
			t.s.Fields[key] = found
		}
	}
}

// attrOptions are a list question's answers as options.
func attrOptions(a *Attribute) []Option {
	opts := make([]Option, len(a.Values))
	for i, v := range a.Values {
		opts[i] = Option{Value: a.Code + "=" + v.Key, Label: v.Name, Words: v.Words}
	}
	return opts
}

// askAttribute asks the pending question of an attributes step.
func (t *turn) askAttribute(st *Step, a *Attribute) {
	r := Reply{Text: a.Description.In(t.lang()), Step: t.s.Flow + "/" + st.ID}
	if a.Datatype == AttrList {
		r.Choices = t.choices(attrOptions(a))
	}
	if !a.Required {
		r.Choices = append(r.Choices, Choice{Value: "skip", Label: t.e.set.messages["choice_skip"].In(t.lang())})
	}
	t.out.Replies = append(t.out.Replies, r)
}

// answerAttribute reads a typed answer (or a pressed value, "<code>=<key>").
func (t *turn) answerAttribute(st *Step, pressed string) {
	a := t.pendingAttribute()
	if a == nil {
		t.advance(st.Next)
		return
	}
	key := attrPrefix + a.Code
	text := strings.TrimSpace(t.in.Text)
	if pressed != "" {
		code, val, _ := strings.Cut(pressed, "=")
		switch {
		case pressed == "skip" && !a.Required:
			t.s.Fields[key] = ""
		case code == a.Code && indexOf(attrOptions(a), pressed) >= 0:
			t.s.Fields[key] = val
		default:
			t.out.Accepted = false // a button of an earlier question
			return
		}
		t.nextAttribute(st)
		return
	}
	if t.isSkip() || t.dunno() {
		if a.Required {
			t.reaskAttribute(st, a, "reask_attr_required")
			return
		}
		t.s.Fields[key] = ""
		t.nextAttribute(st)
		return
	}
	switch a.Datatype {
	case AttrList:
		opts := attrOptions(a)
		i := matchOption(text, opts)
		if i < 0 {
			t.reaskAttribute(st, a, "reask_attr_list")
			return
		}
		t.out.AnswerLabel = opts[i].Label.In(t.lang())
		_, t.s.Fields[key], _ = strings.Cut(opts[i].Value, "=")
	case AttrNumber:
		n, ok := parseNumber(text)
		if !ok || a.Min != nil && n < *a.Min || a.Max != nil && n > *a.Max {
			t.reaskAttribute(st, a, "reask_attr_number")
			return
		}
		t.s.Fields[key] = strconv.FormatFloat(n, 'f', -1, 64)
	default:
		n := utf8.RuneCountInString(text)
		switch {
		case n == 0:
			t.reaskAttribute(st, a, "reask_attr_empty")
			return
		case n > a.maxLength():
			t.reaskAttribute(st, a, "reask_attr_long")
			return
		case t.isCommand():
			t.reaskAttribute(st, a, "reask_command")
			return
		}
		t.s.Fields[key] = text
	}
	t.nextAttribute(st)
}

func (t *turn) reaskAttribute(st *Step, a *Attribute, key string) {
	t.s.Tries++
	vars := map[string]string{"max": strconv.Itoa(a.maxLength()), "range": "", "answer": clip(t.in.Text, 60)}
	if a.Min != nil && a.Max != nil {
		vars["range"] = t.msg("attr_range", map[string]string{"min": fmtNumber(*a.Min), "max": fmtNumber(*a.Max)})
	}
	t.say(t.msg(key, vars))
	t.askAttribute(st, a)
}

// nextAttribute asks the next question, or leaves the step.
func (t *turn) nextAttribute(st *Step) {
	t.s.Tries = 0
	if a := t.pendingAttribute(); a != nil {
		t.askAttribute(st, a)
		return
	}
	t.advance(st.Next)
}

// displayAttributes is the summary's view of the answers, one line each
// after the first.
func (t *turn) displayAttributes() string {
	var lines []string
	for _, a := range t.attributes() {
		v, ok := t.s.Fields[attrPrefix+a.Code]
		if !ok {
			continue
		}
		shown := v
		if v == "" {
			shown = t.msg("empty_value", nil)
		}
		for _, val := range a.Values {
			if val.Key == v {
				shown = val.Name.In(t.lang())
			}
		}
		label := a.Label.In(t.lang())
		if label == "" {
			label = a.Description.In(t.lang())
		}
		lines = append(lines, label+": "+shown)
	}
	return strings.Join(lines, "; ")
}

var numberRe = regexp.MustCompile(`\d+(?:[.,]\d+)?`)

// parseNumber reads the first number of an answer ("3", "sudah 3 hari",
// "2,5 meter", "tiga").
func parseNumber(s string) (float64, bool) {
	switch ms := numberRe.FindAllString(s, -1); {
	case len(ms) > 1:
		return 0, false // "31/02/2026", "3 atau 4": not one number
	case len(ms) == 1:
		n, err := strconv.ParseFloat(strings.ReplaceAll(ms[0], ",", "."), 64)
		return n, err == nil
	}
	for _, w := range strings.Fields(normalize(s)) {
		if n, ok := numberWords[w]; ok {
			return float64(n), true
		}
		switch w {
		case "seminggu", "sepekan", "a week", "seminggon":
			return 7, true
		case "sebulan", "sesasi":
			return 30, true
		}
	}
	return 0, false
}

func fmtNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// askAttributesNow moves to the flow's attributes step when the category
// (just changed from the summary) has questions not yet answered. It
// reports whether it did; Editing stays set, so the last answer returns to
// the summary.
func (t *turn) askAttributesNow() bool {
	for _, st := range t.flow().Steps {
		if st.Type != StepAttributes {
			continue
		}
		t.inferAttributes()
		if t.pendingAttribute() == nil {
			return false
		}
		t.s.Step, t.s.Tries = st.ID, 0
		t.ask(st)
		return true
	}
	return false
}
