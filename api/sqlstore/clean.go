package sqlstore

import (
	"strings"
	"unicode/utf8"

	"github.com/aduan-id/aduan/api"
)

// clean makes s storable and searchable in both dialects: PostgreSQL rejects
// a NUL byte and invalid UTF-8 in text, and a citizen's message must never
// make an insert fail forever (the action would be retried until it is a dead
// letter). NULs go; each invalid byte becomes U+FFFD — per byte, unlike
// strings.ToValidUTF8's per run, because that is what strings.ToLower does,
// and a lower-cased filter (api.Filter.Normalize) must equal the stored key
// of the same value. Every string bound to a query goes through it, reads as
// well as writes, so a lookup by a dirty key finds what the write stored.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // ranging yields U+FFFD for each invalid byte
		if r != 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// key is the lower-case form stored for case-insensitive filters, as
// api.Filter.Normalize lowers them.
func key(s string) string { return strings.ToLower(strings.TrimSpace(clean(s))) }

// likePattern is a LIKE pattern (with ESCAPE '\') matching q anywhere in
// the lower-cased search text: q's own wildcards match themselves.
func likePattern(q string) string {
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(clean(q)))
	return "%" + q + "%"
}

// identityKey is the stored identity: ParseIdentity's reading, so that
// anything unclear is rahasia and the public queries compare two literals.
func identityKey(i api.Identity) string { return string(api.ParseIdentity(string(i))) }

// searchText is what the console's text search looks in: title, description
// and the citizen's additions and answers, lower case.
func searchText(r *api.Report) string {
	var b strings.Builder
	b.WriteString(r.Title)
	b.WriteByte('\n')
	b.WriteString(r.Description)
	for _, e := range r.Timeline {
		if isAddition(e.Kind) && e.Text != "" {
			b.WriteByte('\n')
			b.WriteString(e.Text)
		}
	}
	return strings.ToLower(clean(b.String()))
}

// isAddition reports whether an event's text is the citizen's own words
// added to the report (searched, and exported as Additions).
func isAddition(k api.EventKind) bool {
	return k == api.EventAddition || k == api.EventAnswer
}

// phoneKey normalises a reporter's phone as the console's search does
// (api.NormalizePhone), so that a search by phone is an exact match.
// Anything else is kept as given, trimmed.
func phoneKey(p string) string {
	p = strings.TrimSpace(clean(p))
	if n, ok := api.NormalizePhone(p); ok {
		return n
	}
	return p
}
