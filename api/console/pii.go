package console

import (
	"strings"
	"unicode/utf8"
)

// maskName keeps the first letter of each word: "Sari Wulandari" -> "S*** W***".
func maskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		words[i] = string(r) + "***"
	}
	return strings.Join(words, " ")
}

// maskPhone keeps the first four and the last two digits:
// "081234567890" -> "0812******90". Short numbers are hidden entirely.
func maskPhone(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' || r == '+' {
			digits = append(digits, r)
		}
	}
	if len(digits) < 8 {
		return strings.Repeat("*", len(digits))
	}
	return string(digits[:4]) + strings.Repeat("*", len(digits)-6) + string(digits[len(digits)-2:])
}
