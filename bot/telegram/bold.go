package telegram

import (
	"unicode"
	"unicode/utf8"

	tgmodels "github.com/go-telegram/bot/models"
)

// boldEntities renders the flows' WhatsApp-style *bold* markers as Telegram
// bold entities: the asterisks are removed and an entity marks the span.
// Entities are used rather than parse_mode, so no text (a citizen's title
// quoted in a summary, an admin's reply) can ever make Telegram refuse a
// message with "can't parse entities". A marker opens after a start, space
// or punctuation, before a non-space; it closes on the same line before a
// non-letter. Unpaired asterisks stay as they are.
func boldEntities(s string) (string, []tgmodels.MessageEntity) {
	if !containsByte(s, '*') {
		return s, nil
	}
	var out []byte
	var ents []tgmodels.MessageEntity
	units := 0 // UTF-16 length of out
	i := 0
	for i < len(s) {
		if s[i] == '*' && opens(s, i) {
			if j := closing(s, i+1); j > 0 {
				inner := s[i+1 : j]
				n := utf16Len(inner)
				ents = append(ents, tgmodels.MessageEntity{Type: tgmodels.MessageEntityTypeBold, Offset: units, Length: n})
				out = append(out, inner...)
				units += n
				i = j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		out = append(out, s[i:i+size]...)
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	return string(out), ents
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// opens reports whether the '*' at i can open a bold span.
func opens(s string, i int) bool {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if prev == '*' || unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			return false
		}
	}
	next, _ := utf8.DecodeRuneInString(s[i+1:])
	return i+1 < len(s) && next != '*' && !unicode.IsSpace(next)
}

// closing finds the '*' closing a span that starts at from, on the same line.
func closing(s string, from int) int {
	for j := from; j < len(s); j++ {
		switch s[j] {
		case '\n', '\r':
			return -1
		case '*':
			prev, _ := utf8.DecodeLastRuneInString(s[:j])
			if j == from || unicode.IsSpace(prev) {
				continue
			}
			if j+1 < len(s) {
				next, _ := utf8.DecodeRuneInString(s[j+1:])
				if unicode.IsLetter(next) || unicode.IsDigit(next) || next == '*' {
					continue
				}
			}
			return j
		}
	}
	return -1
}
