package alerts

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultMaxLines is how many alerts one message lists; the rest are counted
// ("… and 12 more"), so a storm is one short message.
const DefaultMaxLines = 20

// bothf is both with fmt arguments applied to each language.
func bothf(key string, args ...any) string {
	t := texts[key]
	return fmt.Sprintf(t[0], args...) + " / " + fmt.Sprintf(t[1], args...)
}

// rank orders kinds in a message: what needs a person first.
func rank(kind string) int {
	if i := slices.Index(Kinds, kind); i >= 0 {
		return i
	}
	return len(Kinds)
}

// compose is one recipient's message: a title with the count, a count per
// kind when there are several, then up to maxLines alerts (the most urgent
// kinds first, oldest first within a kind) and how many more there are.
func compose(as []Alert, maxLines int, consoleURL string) (subject, body string) {
	if maxLines <= 0 {
		maxLines = DefaultMaxLines
	}
	as = slices.Clone(as)
	slices.SortStableFunc(as, func(a, b Alert) int { return rank(a.Kind) - rank(b.Kind) })
	n := len(as)
	subject = bothf("subject", n)

	var b strings.Builder
	b.WriteString(bothf("title", n))
	b.WriteString("\n")
	count := map[string]int{}
	for _, a := range as {
		count[a.Kind]++
	}
	if len(count) > 1 {
		for _, k := range Kinds {
			if count[k] > 0 {
				fmt.Fprintf(&b, "%d × %s\n", count[k], both("kind."+k))
			}
		}
	}
	b.WriteString("\n")
	for i, a := range as {
		if i == maxLines {
			b.WriteString(bothf("more", n-maxLines))
			b.WriteString("\n")
			break
		}
		b.WriteString("• " + line(a) + "\n")
	}
	if consoleURL != "" {
		b.WriteString("\n" + both("console") + ": " + consoleURL + "\n")
	}
	return subject, strings.TrimRight(b.String(), "\n")
}

// line is one alert: "Gagal terkirim / Dead letter: SDA-7KQ2MX — pesan ke
// warga / message to a citizen".
func line(a Alert) string {
	s := both("kind." + a.Kind)
	if a.Number != "" {
		s += ": " + a.Number
	}
	if a.Text != "" {
		s += " — " + a.Text
	}
	return s
}
