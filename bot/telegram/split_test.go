package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	family := "👨\u200d👩\u200d👧\u200d👦" // one grapheme, 7 runes, 11 UTF-16 units
	tests := []struct {
		name string
		text string
		max  int
		want int // number of pieces; 0 = don't check
	}{
		{name: "short", text: "halo", max: 4096, want: 1},
		{name: "empty", text: "", max: 4096, want: 1},
		{name: "exactly the limit", text: strings.Repeat("a", 4096), max: 4096, want: 1},
		{name: "one over", text: strings.Repeat("a", 4097), max: 4096, want: 2},
		{name: "10000 ascii", text: strings.Repeat("abcdefghij", 1000), max: 4096, want: 3},
		{name: "10000 emoji (2 units each)", text: strings.Repeat("😀", 10000), max: 4096, want: 5},
		{name: "ZWJ families", text: strings.Repeat(family, 1000), max: 4096},
		{name: "flags", text: strings.Repeat("🇮🇩", 3000), max: 4096},
		{name: "RTL and combining", text: strings.Repeat("مرحبا بالعالم ", 400) + strings.Repeat("e\u0301", 3000), max: 4096},
		{name: "CRLF lines", text: strings.Repeat("baris satu\r\n", 1000), max: 4096},
		{name: "NUL and markdown", text: strings.Repeat("*bold* _it_ [x](y) `c` \x00 ", 500), max: 4096},
		{name: "newline preferred", text: strings.Repeat("x", 3000) + "\n" + strings.Repeat("y", 3000), max: 4096, want: 2},
		{name: "invalid utf-8", text: strings.Repeat("a\xffb", 3000), max: 4096},
		{name: "small max", text: "Jalan berlubang di Waru, tolong segera diperbaiki 🙏", max: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitText(tt.text, tt.max)
			if got := strings.Join(parts, ""); got != tt.text {
				t.Fatalf("pieces do not join back to the text byte-exact")
			}
			if tt.want != 0 && len(parts) != tt.want {
				t.Errorf("%d pieces, want %d", len(parts), tt.want)
			}
			for i, p := range parts {
				if n := utf16Len(p); n > tt.max {
					t.Errorf("piece %d has %d units > %d", i, n, tt.max)
				}
				if utf8.ValidString(tt.text) && !utf8.ValidString(p) {
					t.Errorf("piece %d cut inside a character", i)
				}
				if p == "" && len(parts) > 1 {
					t.Errorf("piece %d is empty", i)
				}
				if i > 0 {
					prev := parts[i-1]
					if strings.HasSuffix(prev, "\r") && strings.HasPrefix(p, "\n") {
						t.Errorf("CRLF torn between pieces %d and %d", i-1, i)
					}
					if strings.HasSuffix(prev, "\u200d") || strings.HasPrefix(p, "\u200d") {
						t.Errorf("ZWJ sequence torn between pieces %d and %d", i-1, i)
					}
					if strings.HasPrefix(p, "\u0301") {
						t.Errorf("combining mark separated from its letter at piece %d", i)
					}
				}
			}
		})
	}
}

func TestSplitKeepsFlagsWhole(t *testing.T) {
	text := "x" + strings.Repeat("🇮🇩", 3000) // odd start so a naive cut lands mid-flag
	for i, p := range splitText(text, 4096) {
		if i == 0 {
			p = p[1:]
		}
		n := 0
		for _, r := range p {
			if isRegionalIndicator(r) {
				n++
			}
		}
		if n%2 != 0 {
			t.Errorf("piece %d holds %d regional indicators: a flag was torn", i, n)
		}
	}
}

func TestBoldEntities(t *testing.T) {
	tests := []struct {
		in, text string
		ents     [][2]int // offset, length (UTF-16)
	}{
		{in: "no markers", text: "no markers"},
		{in: "ketik *kembali* atau *batal*.", text: "ketik kembali atau batal.", ents: [][2]int{{6, 7}, {19, 5}}},
		{in: "Nomor laporan: *SDA-7KQ2MX*\nSimpan", text: "Nomor laporan: SDA-7KQ2MX\nSimpan", ents: [][2]int{{15, 10}}},
		{in: "🛵 *hari ini*", text: "🛵 hari ini", ents: [][2]int{{3, 8}}},
		{in: "2*3*4 = 24", text: "2*3*4 = 24"},
		{in: "* not bold *", text: "* not bold *"},
		{in: "*open\nclose*", text: "*open\nclose*"},
		{in: "**", text: "**"},
		{in: "a * b", text: "a * b"},
		{in: "*", text: "*"},
		{in: "(*ya*)", text: "(ya)", ents: [][2]int{{1, 2}}},
	}
	for _, tt := range tests {
		text, ents := boldEntities(tt.in)
		if text != tt.text || len(ents) != len(tt.ents) {
			t.Errorf("boldEntities(%q) = %q %+v, want %q %v", tt.in, text, ents, tt.text, tt.ents)
			continue
		}
		for i, e := range ents {
			if e.Type != "bold" || e.Offset != tt.ents[i][0] || e.Length != tt.ents[i][1] {
				t.Errorf("boldEntities(%q) entity %d = %+v, want %v", tt.in, i, e, tt.ents[i])
			}
		}
	}
}
