package api

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultDescriptionLimit is what Open311 servers commonly accept in a
// request's description (the GeoReport v2 reference limit): the forwarder
// adapts longer ones instead of having them refused.
const DefaultDescriptionLimit = 4000

// fitDescription shortens text to at most limit characters (runes) for a
// target that refuses longer ones: cut at the last sentence end that leaves
// room for a closing line saying where the full text is, so the agency reads
// whole sentences and knows there is more. The full text stays in Aduan's
// record (and the timeline says it was shortened). ok is false when the text
// already fits.
func fitDescription(text, number string, limit int) (string, bool) {
	if limit <= 0 || utf8.RuneCountInString(text) <= limit {
		return text, false
	}
	tail := "\n\n[Uraian dipotong: teks lengkap " + strconv.Itoa(utf8.RuneCountInString(text)) +
		" karakter tersimpan di Aduan, laporan " + number + "]"
	room := limit - utf8.RuneCountInString(tail)
	if room < 1 {
		return string([]rune(text)[:limit]), true
	}
	cut := string([]rune(text)[:room])
	// Prefer the end of a sentence or paragraph in the last third.
	best := -1
	for _, sep := range []string{". ", "! ", "? ", ".\n", "\n"} {
		if i := strings.LastIndex(cut, sep); i > best {
			best = i + len(strings.TrimRight(sep, " \n"))
		}
	}
	if best >= len(cut)*2/3 {
		cut = cut[:best]
	} else if i := strings.LastIndexAny(cut, " \n"); i >= len(cut)*2/3 {
		cut = cut[:i] + " …" // at least a whole word
	}
	return strings.TrimSpace(cut) + tail, true
}
