package telegram

import (
	"unicode"
	"unicode/utf8"
)

// maxMessageLen is Telegram's limit for a message text, counted in UTF-16
// code units (what Telegram counts; never more than the rune count allows).
const maxMessageLen = 4096

// splitText cuts s into pieces of at most max UTF-16 units whose
// concatenation is s, byte for byte. It cuts only on rune boundaries,
// preferably after a newline, else after a space, and never inside a CRLF or
// next to a zero-width joiner, variation selector or combining mark.
func splitText(s string, max int) []string {
	var parts []string
	for utf16Len(s) > max {
		cut := cutPoint(s, max)
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	if s != "" || len(parts) == 0 {
		parts = append(parts, s)
	}
	return parts
}

// cutPoint returns the byte index where the first piece of s ends.
func cutPoint(s string, max int) int {
	// hard: the largest rune boundary within max units.
	hard, units := 0, 0
	for hard < len(s) {
		r, size := utf8.DecodeRuneInString(s[hard:])
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if units+u > max {
			break
		}
		units += u
		hard += size
	}
	// prefer a newline, then a space, in the second half of the piece.
	lastNL, lastSpace := -1, -1
	for i := hard - 1; i >= hard/2 && i > 0; i-- {
		if s[i] == '\n' && lastNL < 0 {
			lastNL = i + 1
			break
		}
		if s[i] == ' ' && lastSpace < 0 {
			lastSpace = i + 1
		}
	}
	switch {
	case lastNL > 0:
		return lastNL
	case lastSpace > 0:
		return lastSpace
	}
	// no whitespace: step back so a grapheme is not torn apart.
	cut := hard
	for cut > 0 && !goodCut(s, cut) {
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
	}
	if cut == 0 {
		return hard // one enormous grapheme: cut at the rune boundary
	}
	return cut
}

// goodCut reports whether cutting s at i keeps joined characters together.
func goodCut(s string, i int) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i:])
	switch {
	case prev == '\r' && next == '\n':
		return false
	case prev == 0x200D || next == 0x200D: // zero-width joiner
		return false
	case next >= 0xFE00 && next <= 0xFE0F, next >= 0x1F3FB && next <= 0x1F3FF: // variation selectors, skin tones
		return false
	case next >= 0xE0020 && next <= 0xE007F: // emoji tag sequences
		return false
	case unicode.Is(unicode.Mn, next) || unicode.Is(unicode.Me, next):
		return false
	case isRegionalIndicator(prev) && isRegionalIndicator(next) && regionalRunBefore(s[:i])%2 == 1:
		return false
	}
	return true
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// regionalRunBefore counts the regional indicators that end s (a flag is a
// pair of them).
func regionalRunBefore(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegionalIndicator(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n
}
