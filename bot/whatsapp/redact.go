package whatsapp

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// HashID returns a short, stable hash of a chat id or phone number for logs:
// the same chat gives the same hash, the number itself is never logged.
func HashID(s string) string {
	if s == "" {
		return ""
	}
	h := sha256.Sum256([]byte("aduan-wa:" + s))
	return hex.EncodeToString(h[:6])
}

// jidLike matches JIDs ("6281234567890:12@s.whatsapp.net", "1234@lid") and
// long digit runs (phone numbers) in library log lines.
var jidLike = regexp.MustCompile(`[0-9A-Za-z._\-]+(?::[0-9]+)?@[a-z.]+|\+?[0-9][0-9 \-]{6,}[0-9]`)

// scrub replaces JIDs and phone-number-like digit runs by their hash.
func scrub(s string) string {
	return jidLike.ReplaceAllStringFunc(s, func(m string) string { return "#" + HashID(m) })
}
