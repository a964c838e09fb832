package flows

import (
	"fmt"
	"strings"
)

// Lexicon is understand.yaml: the word lists the engine reads meaning with.
type Lexicon struct {
	Slang        map[string]string   `yaml:"slang"`
	Negations    []string            `yaml:"negations"`
	Hedges       []string            `yaml:"hedges"`
	HedgesAfter  []string            `yaml:"hedges_after"`
	NotEmergency []string            `yaml:"not_emergency"`
	Emergencies  []EmergencyType     `yaml:"emergencies"`
	Problems     []string            `yaml:"problems"`
	Questions    []string            `yaml:"questions"`
	Commands     []string            `yaml:"commands"`
	Sentence     map[string][]string `yaml:"sentence"`
	Javanese     []string            `yaml:"javanese"`
	Places       []string            `yaml:"places"`
	// Fillers say nothing about a problem ("saya", "mau", "pak"): a first
	// message of only these and the wish to report is no description.
	Fillers []string `yaml:"fillers"`
	// NotSeen are ways to say an optional question cannot be answered
	// ("tidak terlihat", "ora ketok"): its skip.
	NotSeen []string `yaml:"not_seen"`
	// Common are frequent words, never taken for a typo of a keyword.
	Common []string `yaml:"common"`
}

// EmergencyType is one kind of emergency with its words.
type EmergencyType struct {
	Type string `yaml:"type"`
	// Service names the number to call (region.emergency_numbers); "" or a
	// service without a number there is the emergency number.
	Service string   `yaml:"service"`
	Words   []string `yaml:"words"`
	Alone   []string `yaml:"alone"`
}

// Sentence intents, tried in this order (see understand.yaml).
var sentenceIntents = []string{"add_info", "my_reports", "cancel", "help", "status", "report"}

// emergencyServices are the services a number can be configured for.
var emergencyServices = map[string]bool{"police": true, "fire": true, "ambulance": true, "sar": true}

// phrase is a compiled word-list entry: runs of words that must all occur
// ("banjir + terjebak" is two runs).
type phrase [][]string

// lexicon is the compiled Lexicon.
type lexicon struct {
	slang        map[string][]string
	negations    []phrase
	hedges       []phrase
	hedgesAfter  []phrase
	notEmergency []phrase
	emergencies  []emergencyKind
	problems     []phrase
	questions    []phrase
	commands     []phrase
	sentence     map[string][]phrase
	javanese     []phrase
	places       []phrase
	fillers      []phrase
	notSeen      []phrase
	common       []phrase
}

type emergencyKind struct {
	typ, service string
	words, alone []phrase
}

// compile checks and compiles the lexicon; file names the YAML file in errors.
func (l *Lexicon) compile(file string) (*lexicon, []error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: understand: %s", file, fmt.Sprintf(format, a...)))
	}
	lx := &lexicon{slang: map[string][]string{}, sentence: map[string][]phrase{}}
	for k, v := range l.Slang {
		key := plainWords(k, nil)
		val := plainWords(v, nil)
		if len(key) != 1 || len(val) == 0 {
			bad("slang %q: %q: want one word standing for one or more words", k, v)
			continue
		}
		lx.slang[key[0]] = val
	}
	list := func(name string, entries []string) []phrase {
		var out []phrase
		for _, e := range entries {
			p := lx.phrase(e)
			if p == nil {
				bad("%s: %q has no words", name, e)
				continue
			}
			out = append(out, p)
		}
		return out
	}
	lx.negations = list("negations", l.Negations)
	lx.hedges = list("hedges", l.Hedges)
	lx.hedgesAfter = list("hedges_after", l.HedgesAfter)
	lx.notEmergency = list("not_emergency", l.NotEmergency)
	lx.problems = list("problems", l.Problems)
	lx.questions = list("questions", l.Questions)
	lx.commands = list("commands", l.Commands)
	lx.javanese = list("javanese", l.Javanese)
	lx.places = list("places", l.Places)
	lx.fillers = list("fillers", l.Fillers)
	lx.notSeen = list("not_seen", l.NotSeen)
	lx.common = list("common", l.Common)
	seen := map[string]bool{}
	for _, e := range l.Emergencies {
		switch {
		case e.Type == "" || seen[e.Type]:
			bad("emergency type %q: empty or duplicate", e.Type)
		case e.Service != "" && !emergencyServices[e.Service]:
			bad("emergency type %q: service %q: want police, fire, ambulance, sar or nothing", e.Type, e.Service)
		case len(e.Words)+len(e.Alone) == 0:
			bad("emergency type %q has no words", e.Type)
		}
		seen[e.Type] = true
		k := emergencyKind{typ: e.Type, service: e.Service,
			words: list("emergency "+e.Type, e.Words), alone: list("emergency "+e.Type+" alone", e.Alone)}
		for _, p := range k.alone {
			if len(p) > 1 {
				bad("emergency type %q: alone %q: a '+' means nothing here", e.Type, strings.Join(p[0], " "))
			}
		}
		lx.emergencies = append(lx.emergencies, k)
	}
	if len(lx.emergencies) == 0 {
		bad("no emergencies: the emergency number would never be given")
	}
	known := map[string]bool{}
	for _, in := range sentenceIntents {
		known[in] = true
	}
	for in, entries := range l.Sentence {
		if !known[in] {
			bad("sentence intent %q: want one of %s", in, strings.Join(sentenceIntents, ", "))
		}
		lx.sentence[in] = list("sentence "+in, entries)
	}
	return lx, errs
}

// phrase compiles one entry; nil if it has no words.
func (lx *lexicon) phrase(entry string) phrase {
	var p phrase
	for _, part := range strings.Split(entry, "+") {
		ws := plainWords(part, lx.slang)
		if len(ws) == 0 {
			return nil
		}
		p = append(p, ws)
	}
	return p
}

// read splits a message into words with the lexicon's slang.
func (lx *lexicon) read(text string) []word { return readWords(text, lx.slang) }

// runAt reports whether the run of words occurs at ws[i:].
func runAt(ws []word, i int, run []string) bool {
	if i < 0 || i+len(run) > len(ws) {
		return false
	}
	for j, r := range run {
		if !ws[i+j].has(r) {
			return false
		}
	}
	return true
}

// runs returns the positions where run occurs.
func runs(ws []word, run []string) []int {
	var at []int
	for i := range ws {
		if runAt(ws, i, run) {
			at = append(at, i)
		}
	}
	return at
}

// matches reports whether every run of p occurs somewhere in ws.
func (p phrase) matches(ws []word) bool {
	for _, run := range p {
		if len(runs(ws, run)) == 0 {
			return false
		}
	}
	return true
}

// anyMatch reports whether one of ps matches ws.
func anyMatch(ws []word, ps []phrase) bool {
	for _, p := range ps {
		if p.matches(ws) {
			return true
		}
	}
	return false
}

// countMatches counts the phrases of ps that match (for a language score).
func countMatches(ws []word, ps []phrase) int {
	n := 0
	for _, p := range ps {
		if p.matches(ws) {
			n++
		}
	}
	return n
}

// firstWords reports whether the message begins with one of ps (single runs).
func startsWith(ws []word, ps []phrase) bool {
	for _, p := range ps {
		if len(p) == 1 && runAt(ws, 0, p[0]) {
			return true
		}
	}
	return false
}

// isOnly reports whether the message is nothing but one of ps (a repeated
// word counts once: "tolong tolong tolong" is "tolong").
func isOnly(ws []word, ps []phrase) bool {
	var dedup []word
	for i, w := range ws {
		if i > 0 && w.w == ws[i-1].w {
			continue
		}
		dedup = append(dedup, w)
	}
	for _, p := range ps {
		if len(p) == 1 && len(p[0]) == len(dedup) && runAt(dedup, 0, p[0]) {
			return true
		}
	}
	return false
}

// knownWords are every word the lists name: a word a citizen writes that is
// one of them is that word, not a typo of another.
func (lx *lexicon) knownWords() map[string]bool {
	known := map[string]bool{}
	add := func(ps []phrase) {
		for _, p := range ps {
			for _, run := range p {
				for _, w := range run {
					known[w] = true
				}
			}
		}
	}
	for _, ps := range [][]phrase{lx.negations, lx.hedges, lx.hedgesAfter, lx.notEmergency, lx.problems, lx.questions, lx.commands,
		lx.javanese, lx.places, lx.fillers, lx.notSeen, lx.common} {
		add(ps)
	}
	for _, k := range lx.emergencies {
		add(k.words)
		add(k.alone)
	}
	for _, ps := range lx.sentence {
		add(ps)
	}
	for _, vs := range lx.slang {
		for _, v := range vs {
			known[v] = true
		}
	}
	return known
}
