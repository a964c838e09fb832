package flows

import (
	"strings"
	"unicode"
)

// How a citizen's sentence is read for meaning (emergencies, categories,
// intents inside a sentence). Citizens of Sidoarjo write Indonesian,
// Javanese and some English, on phones, quickly: "kejang2", "tolooong",
// "gak sadar", "kebakarannya", "dalane bolong". normalize (parse.go) is for
// matching a whole answer against a menu; this splits a message into words
// and gives each word the forms it can be matched by:
//
//   - lower case, accents removed, apostrophes dropped ("don't" -> "dont");
//   - reduplication folded: "kejang2" and "kejang-kejang" -> "kejang";
//   - runs of a repeated letter squeezed to one, on both sides of every
//     comparison: "tolooong" and "tolong" both read "tolong", "tenggelam"
//     reads "tengelam" (so a word list never has to spell it);
//   - slang replaced from the lexicon (gak, nggak, ga, ndak -> tidak);
//   - affixes removed, as extra forms beside the word itself: ter-, ke-…-an,
//     di-, me-/pe- with their nasal changes, -nya, -kan, -an, and the
//     Javanese -e/-ne, ng-/ny-: "terbakar" can be matched by "bakar",
//     "penganiayaan" by "aniaya", "dalane" by "dalan".
//
// A word list entry is matched against these forms; the entry itself is
// read without stemming, so listing "kebakaran" never makes "bakar" an
// emergency (a "bakar sampah" complaint is not a fire).

// word is one word of a message.
type word struct {
	w      string   // the word as matched first: squeezed, slang replaced
	forms  []string // w and its stems, squeezed
	clause int      // clauses end at , . ! ? ; : and line breaks
}

// has reports whether s is one of the word's forms.
func (w word) has(s string) bool {
	for _, f := range w.forms {
		if f == s {
			return true
		}
	}
	return false
}

// splitWords splits text into raw lower-case words with their clause
// numbers, folding reduplication. Digits stay in words ("sda7ts5b7").
func splitWords(text string) (words []string, clauses []int) {
	folded := strings.ToLower(foldAccents(text))
	var cur strings.Builder
	clause := 0
	flush := func() {
		raw := strings.Trim(cur.String(), "-")
		cur.Reset()
		if raw == "" {
			return
		}
		for _, w := range unreduplicate(raw) {
			words = append(words, w)
			clauses = append(clauses, clause)
		}
	}
	for _, r := range folded {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			cur.WriteRune(r)
		case r == '\'' || r == '’' || r == '`':
			// "don't" is one word
		case strings.ContainsRune(",.!?;:\n", r):
			flush()
			clause++
		default:
			flush()
		}
	}
	flush()
	return words, clauses
}

// unreduplicate folds "kejang2" and "kejang-kejang" to "kejang", and splits
// other hyphenated words ("pecah-belah") into their parts.
func unreduplicate(w string) []string {
	if strings.Contains(w, "-") {
		parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' })
		if len(parts) == 2 && strings.HasPrefix(parts[1], parts[0]) {
			return []string{parts[0]} // anak-anak, anak-anaknya
		}
		var out []string
		for _, p := range parts {
			out = append(out, unreduplicate(p)...)
		}
		return out
	}
	if n := len(w); n >= 4 && w[n-1] == '2' && allLetters(w[:n-1]) {
		return []string{w[:n-1]}
	}
	return []string{w}
}

func allLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// squeeze collapses runs of one repeated letter: "tolooong" -> "tolong",
// "nggak" -> "ngak". Digits are left alone (a number "1000" stays).
func squeeze(s string) string {
	var b strings.Builder
	var prev rune = -1
	for _, r := range s {
		if r == prev && unicode.IsLetter(r) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// readWords is a message as words with their forms. slang maps a squeezed
// word to the squeezed word(s) it stands for.
func readWords(text string, slang map[string][]string) []word {
	raws, clauses := splitWords(text)
	out := make([]word, 0, len(raws))
	for i, raw := range raws {
		sq := squeeze(raw)
		if rep, ok := slang[sq]; ok {
			for _, r := range rep {
				out = append(out, word{w: r, forms: []string{r}, clause: clauses[i]})
			}
			continue
		}
		forms := []string{sq}
		for _, s := range stems(raw) {
			if s = squeeze(s); !contains(forms, s) {
				forms = append(forms, s)
			}
		}
		out = append(out, word{w: sq, forms: forms, clause: clauses[i]})
	}
	return out
}

// plainWords reads a word-list entry: squeezed and slang replaced, never
// stemmed (see the package comment above).
func plainWords(text string, slang map[string][]string) []string {
	raws, _ := splitWords(text)
	var out []string
	for _, raw := range raws {
		sq := squeeze(raw)
		if rep, ok := slang[sq]; ok {
			out = append(out, rep...)
			continue
		}
		out = append(out, sq)
	}
	return out
}

// stems are the forms of w with common Indonesian and Javanese affixes
// removed (w itself not included). Over-generation is harmless: a form
// only matters when it equals a listed word.
func stems(w string) []string {
	if len(w) < 5 || !allLetters(w) {
		return nil
	}
	var out []string
	add := func(s string) {
		if len(s) >= 3 && s != w && !contains(out, s) {
			out = append(out, s)
		}
	}
	// Particles and possessives first: kebakarannya, dalane, omahe.
	bases := []string{w}
	for _, suf := range []string{"nya", "lah", "kah", "ipun", "ne", "e", "ku", "mu"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			bases = append(bases, w[:len(w)-len(suf)])
		}
	}
	for _, b := range bases {
		add(b)
		for _, s := range unsuffix(b) {
			add(s)
			for _, p := range unprefix(s) {
				add(p)
			}
		}
		for _, p := range unprefix(b) {
			add(p)
			for _, s := range unsuffix(p) {
				add(s)
			}
		}
	}
	return out
}

func unsuffix(w string) []string {
	var out []string
	for _, suf := range []string{"kan", "an", "i"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			out = append(out, w[:len(w)-len(suf)])
		}
	}
	return out
}

// unprefix removes one prefix, restoring the first letter that a nasal
// prefix replaced (menabrak -> tabrak, memukul -> pukul, menyerang ->
// serang, ngobong -> obong/kobong).
func unprefix(w string) []string {
	var out []string
	cut := func(p string, restore ...string) {
		if !strings.HasPrefix(w, p) || len(w)-len(p) < 3 {
			return
		}
		rest := w[len(p):]
		out = append(out, rest)
		for _, r := range restore {
			out = append(out, r+rest)
		}
	}
	switch {
	case strings.HasPrefix(w, "meng"), strings.HasPrefix(w, "peng"):
		cut(w[:4], "k")
	case strings.HasPrefix(w, "meny"), strings.HasPrefix(w, "peny"):
		cut(w[:4], "s")
	case strings.HasPrefix(w, "mem"), strings.HasPrefix(w, "pem"):
		cut(w[:3], "p")
	case strings.HasPrefix(w, "men"), strings.HasPrefix(w, "pen"):
		cut(w[:3], "t")
	case strings.HasPrefix(w, "me"), strings.HasPrefix(w, "pe"):
		cut(w[:2])
	}
	for _, p := range []string{"ter", "ber", "be", "di", "ke", "ka", "se"} {
		cut(p)
	}
	// Javanese active and passive forms: ngobong, nyapu, ketabrak.
	switch {
	case strings.HasPrefix(w, "nge"):
		cut("nge")
	case strings.HasPrefix(w, "ng"):
		cut("ng", "k")
	case strings.HasPrefix(w, "ny"):
		cut("ny", "s")
	}
	return out
}
