package flows

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Categories from free text: each service in services.yaml lists what
// citizens write about it (keywords in id, en, jv). A message is scored
// against them: a keyword of several words weighs more than one word
// ("lampu jalan" beats "jalan"), a keyword marked "~" half (a place such as
// "~sekolah" says little: "jalan berlubang di depan sekolah" is a road),
// and a word with a small typo counts a little less ("lampuu", "berlubng":
// at most one edit in a word of 6 or 7 letters, two from 8). The best one
// to three categories are offered.

// keyword is a compiled service keyword and its weight.
type keyword struct {
	p phrase
	w float64
}

// Minimum word length for a typo to be forgiven, and the edits allowed.
const (
	fuzzyMinLen  = 6
	fuzzyLongLen = 8
)

// maxCandidates is how many categories are offered as buttons at most.
const maxCandidates = 3

// compileCatalog compiles what the catalogue needs for reading messages:
// the services' keywords and the tracking-number pattern.
func (s *Set) compileCatalog() {
	s.keywords = map[string][]keyword{}
	for _, svc := range s.catalog.Services {
		var ks []keyword
		for _, lang := range []string{LangID, LangEN, LangJV} {
			for _, k := range svc.Keywords[lang] {
				w := 1.0
				if rest, weak := strings.CutPrefix(k, "~"); weak {
					k, w = rest, 0.5
				}
				if p := s.lex.phrase(k); p != nil {
					ks = append(ks, keyword{p, w})
				}
			}
		}
		s.keywords[svc.Code] = ks
	}
	s.known = s.lex.knownWords()
	for _, ks := range s.keywords {
		for _, k := range ks {
			for _, run := range k.p {
				for _, w := range run {
					s.known[w] = true
				}
			}
		}
	}
	for _, ws := range s.words {
		for _, w := range ws {
			for _, p := range plainWords(w, s.lex.slang) {
				s.known[p] = true
			}
		}
	}
	prefix := regexp.QuoteMeta(s.catalog.Region.TrackingPrefix)
	s.tracking = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(` + prefix + `)[\s\-_.]?([a-z0-9]{6})(?:$|[^a-z0-9])`)
}

// trackingIn finds a tracking number of this region anywhere in a message
// ("gimana laporan SDA-7TS5B7 saya?", "sda7ts5b7", "SDA 7TS5B7") and
// writes it the one way (SDA-7TS5B7); "" when there is none.
func (s *Set) trackingIn(text string) string {
	m := s.tracking.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1]) + "-" + strings.ToUpper(m[2])
}

// afterTracking is what follows the tracking number in a message
// ("tambah info SDA-7TS5B7: lampunya masih mati" -> "lampunya masih mati").
func (s *Set) afterTracking(text string) string {
	m := s.tracking.FindStringSubmatchIndex(text)
	if m == nil {
		return ""
	}
	return strings.TrimLeft(strings.TrimSpace(text[m[5]:]), ":,.-–— ")
}

type scored struct {
	code  string
	score float64
}

// categoriesIn returns the categories a message is about, best first: one
// when it clearly leads, up to maxCandidates when they are close, none when
// nothing matched.
func (s *Set) categoriesIn(ws []word) []string {
	var all []scored
	for _, svc := range s.catalog.Services {
		if score := serviceScore(ws, s.keywords[svc.Code], s.known); score > 0 {
			all = append(all, scored{svc.Code, score})
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	if len(all) == 1 || all[0].score >= 1.5*all[1].score {
		return []string{all[0].code}
	}
	var out []string
	for _, c := range all {
		if c.score >= 0.6*all[0].score && len(out) < maxCandidates {
			out = append(out, c.code)
		}
	}
	return out
}

// span is where a keyword's run matched, and how well.
type span struct {
	from, to int // words [from, to)
	score    float64
}

// serviceScore adds up what a service's keywords matched. Each stretch of
// the message counts once (the best keyword for it: "jalan rusak" and the
// Javanese "dalan rusak" are not two findings), and a stretch inside a
// longer one found for the same service adds nothing ("lampu jalan" within
// "lampu jalan mati"): a service with many synonyms must not outweigh one
// with a single precise word.
func serviceScore(ws []word, ks []keyword, known map[string]bool) float64 {
	var spans []span
	for _, k := range ks {
		runSpans, ok := phraseSpans(ws, k.p, known)
		if !ok {
			continue
		}
	next:
		for _, sp := range runSpans {
			sp.score *= k.w
			for i, o := range spans {
				if o.from == sp.from && o.to == sp.to {
					spans[i].score = max(o.score, sp.score)
					continue next
				}
			}
			spans = append(spans, sp)
		}
	}
	total := 0.0
	for i, sp := range spans {
		inside := false
		for j, o := range spans {
			if j != i && o.from <= sp.from && o.to >= sp.to && o.to-o.from > sp.to-sp.from {
				inside = true
				break
			}
		}
		if !inside {
			total += sp.score
		}
	}
	return total
}

// phraseSpans finds the best match of each run of p; ok is false when one
// is missing. A word matched only with a typo counts 0.7.
func phraseSpans(ws []word, p phrase, known map[string]bool) ([]span, bool) {
	var out []span
	for _, run := range p {
		best := span{}
		for i := range ws {
			if sc := fuzzyRunAt(ws, i, run, known); sc > best.score {
				best = span{i, i + len(run), sc}
			}
		}
		if best.score == 0 {
			return nil, false
		}
		out = append(out, best)
	}
	return out, true
}

func fuzzyRunAt(ws []word, i int, run []string, known map[string]bool) float64 {
	if i+len(run) > len(ws) {
		return 0
	}
	sc := 0.0
	for j, r := range run {
		switch w := ws[i+j]; {
		case w.has(r):
			sc++
		case !known[w.w] && nearWord(w, r):
			sc += 0.7
		default:
			return 0
		}
	}
	return sc
}

// nearWord reports whether the word as written is within the allowed typos
// of r. Callers try it only for a word that is not itself a known word
// ("sampai" is no typo of "sampah"; understand.yaml lists common words). Only the written word, not its stems (whose small differences are
// grammar, not typos: "diangkut" is not "angkot"), and never a different
// first letter (few typos change it; "dalan" is Javanese for "jalan", not
// a misspelling of it).
func nearWord(w word, r string) bool {
	n := utf8.RuneCountInString(r)
	if n < fuzzyMinLen || w.w == "" || r == "" || w.w[0] != r[0] {
		return false
	}
	k := 1
	if n >= fuzzyLongLen {
		k = 2
	}
	return withinEdits(w.w, r, k)
}

// withinEdits reports whether a and b differ by at most k insertions,
// deletions or substitutions (Levenshtein distance, bounded: rows stop as
// soon as every cell exceeds k, so a long unrelated word costs little).
func withinEdits(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// otherService is the catch-all category ("" when there is none).
func (s *Set) otherService() string {
	for _, svc := range s.catalog.Services {
		if svc.Other {
			return svc.Code
		}
	}
	return ""
}
