package flows

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The normaliser takes anything a chat can carry: it never panics, every
// word it returns is non-empty valid UTF-8 whose forms start with itself,
// and reading its own output again gives the same words.
func FuzzReadWords(f *testing.F) {
	for _, s := range []string{"ada yang kejang2 gak sadar", "TOLOOONG!!!", "kebakarannya", "dalane bolong-bolong",
		"SDA-7TS5B7", "é\u0301\u202e", "2222", "--", "\xff\xfe", "meng-", "a-a-a-a", strings.Repeat("nya", 50)} {
		f.Add(s)
	}
	set, err := Load("")
	if err != nil {
		f.Fatal(err)
	}
	lx := set.lex
	f.Fuzz(func(t *testing.T, s string) {
		ws := lx.read(s)
		var again []string
		for _, w := range ws {
			if w.w == "" || !utf8.ValidString(w.w) || len(w.forms) == 0 || w.forms[0] != w.w {
				t.Fatalf("%q: bad word %+v", s, w)
			}
			again = append(again, w.w)
		}
		ws2 := lx.read(strings.Join(again, " "))
		if len(ws2) != len(ws) {
			t.Fatalf("%q: read again, %d words became %d", s, len(ws), len(ws2))
		}
		for i := range ws {
			if ws2[i].w != ws[i].w {
				t.Fatalf("%q: word %d %q read again as %q", s, i, ws[i].w, ws2[i].w)
			}
		}
		lx.emergencyIn(ws)
		set.categoriesIn(ws)
		set.trackingIn(s)
		_, _ = ParseWhen(s, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	})
}
