package flows

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// normalize folds a citizen's answer for matching: lower case, accents and
// punctuation removed, spaces collapsed. "Kécamatan  Waru!" -> "kecamatan waru".
func normalize(s string) string {
	folded := foldAccents(s)
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(folded) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '-' || r == '/' || r == '.' || r == ',':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return strings.Trim(b.String(), ".,-")
}

// accentFolders remove accents (é -> e). A transformer holds large buffers,
// so they are pooled: normalize runs several times per message.
var accentFolders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// foldAccents removes accents (é -> e); ASCII text is returned as is.
func foldAccents(s string) string {
	if isASCII(s) {
		return s
	}
	t := accentFolders.Get().(transform.Transformer)
	defer accentFolders.Put(t)
	t.Reset()
	folded, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return folded
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// numberWords lets "satu", "dua"... (and English) pick menu items.
var numberWords = map[string]int{
	"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
	"sembilan": 9, "sepuluh": 10, "sebelas": 11, "siji": 1, "loro": 2, "telu": 3, "papat": 4,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10,
}

// matchOption finds the option a typed answer chooses: its number in the
// menu (digits or words), its value, its label in any language, one of its
// words, or a unique prefix of a label. It returns -1 when nothing or more
// than one option matches.
func matchOption(answer string, opts []Option) int {
	if i := matchExact(answer, opts); i >= 0 {
		return i
	}
	a := normalize(answer)
	if len([]rune(a)) < 3 || isNumber(a) {
		return -1
	}
	found := -1
	for i, o := range opts {
		if strings.HasPrefix(normalize(o.Label.ID), a) || strings.HasPrefix(normalize(o.Label.EN), a) ||
			o.Label.JV != "" && strings.HasPrefix(normalize(o.Label.JV), a) {
			if found >= 0 && found != i {
				return -1
			}
			found = i
		}
	}
	return found
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(strings.TrimSpace(s))
	return err == nil
}

// matchExact is matchOption without prefixes: the number in the menu (digits
// or words), the value, a label in any language, or one of the words. It is
// what a free-text step uses to recognise its own buttons ("1. Lewati"), so a
// name such as "Lew" is not taken for "Lewati".
func matchExact(answer string, opts []Option) int {
	a := normalize(answer)
	a = strings.TrimSuffix(strings.TrimPrefix(a, "no."), ".")
	if a == "" {
		return -1
	}
	if n, err := strconv.Atoi(strings.TrimSpace(a)); err == nil {
		if n >= 1 && n <= len(opts) {
			return n - 1
		}
		return -1
	}
	if n, ok := numberWords[a]; ok && n <= len(opts) {
		return n - 1
	}
	for i, o := range opts {
		if a == normalize(o.Value) || a == normalize(o.Label.ID) || a == normalize(o.Label.EN) || o.Label.JV != "" && a == normalize(o.Label.JV) {
			return i
		}
		for _, w := range o.Words {
			if a == normalize(w) {
				return i
			}
		}
	}
	return -1
}

// ErrPhone is returned for a number that is not an Indonesian mobile number.
var ErrPhone = errors.New("not an Indonesian mobile number")

// NormalizePhone turns 08xx, +628xx, 628xx (with spaces, dots, dashes or
// brackets) into +628xx. Indonesian mobile numbers have 9 to 12 digits after
// the leading 8... counted here as 10 to 13 digits in the national form.
func NormalizePhone(s string) (string, error) {
	var digits strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", ErrPhone
		}
	}
	d := digits.String()
	switch {
	case strings.HasPrefix(d, "628"):
		d = d[2:]
	case strings.HasPrefix(d, "08"):
		d = d[1:]
	case strings.HasPrefix(d, "8") && !strings.HasPrefix(s, "+"):
	default:
		return "", ErrPhone
	}
	// d is now 8xxxxxxxx: 9 to 12 digits.
	if len(d) < 9 || len(d) > 12 {
		return "", ErrPhone
	}
	return "+62" + d, nil
}

// Date errors, each with its own re-ask.
var (
	ErrDateFormat = errors.New("not a date")
	ErrDateFuture = errors.New("date in the future")
)

var monthNames = map[string]time.Month{
	"jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mar": 3, "maret": 3, "march": 3,
	"apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7,
	"agu": 8, "agt": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "nop": 11, "november": 11, "nopember": 11,
	"des": 12, "desember": 12, "dec": 12, "december": 12,
}

// ParseDate reads when something happened, relative to now (in now's
// location): "hari ini"/"today", "kemarin"/"yesterday", "3 hari lalu"/"3 days
// ago", 12/11/2026, 12-11-2026, 2026-11-12, 12/11 (this year), "12 November
// 2026", "12 nov". A date after today is ErrDateFuture.
func ParseDate(s string, now time.Time) (time.Time, error) {
	a := normalize(s)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch a {
	case "hari ini", "today", "sekarang", "now", "dina iki":
		return today, nil
	case "kemarin", "yesterday", "wingi":
		return today.AddDate(0, 0, -1), nil
	case "besok", "tomorrow", "lusa", "sesuk", "besok lusa":
		return time.Time{}, ErrDateFuture
	case "kemarin lusa", "lusa kemarin":
		return today.AddDate(0, 0, -2), nil
	}
	f := strings.Fields(a)
	if len(f) == 3 && (f[1] == "hari" || f[1] == "days" || f[1] == "day") && (f[2] == "lalu" || f[2] == "ago" || f[2] == "yang") {
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 0 || n > 3660 {
			return time.Time{}, ErrDateFormat
		}
		return today.AddDate(0, 0, -n), nil
	}
	var d time.Time
	switch {
	case len(f) >= 2 && len(f) <= 3:
		day, err := strconv.Atoi(f[0])
		m, ok := monthNames[f[1]]
		if err != nil || !ok {
			return time.Time{}, ErrDateFormat
		}
		year := now.Year()
		if len(f) == 3 {
			if year, err = strconv.Atoi(f[2]); err != nil {
				return time.Time{}, ErrDateFormat
			}
		}
		var okd bool
		if d, okd = mkDate(year, m, day, now.Location()); !okd {
			return time.Time{}, ErrDateFormat
		}
	case len(f) == 1:
		parts := strings.FieldsFunc(f[0], func(r rune) bool { return r == '/' || r == '-' || r == '.' })
		nums := make([]int, len(parts))
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				return time.Time{}, ErrDateFormat
			}
			nums[i] = n
		}
		var ok bool
		switch {
		case len(nums) == 3 && len(parts[0]) == 4:
			d, ok = mkDate(nums[0], time.Month(nums[1]), nums[2], now.Location())
		case len(nums) == 3:
			y := nums[2]
			if len(parts[2]) == 2 {
				y += 2000
			}
			d, ok = mkDate(y, time.Month(nums[1]), nums[0], now.Location())
		case len(nums) == 2:
			d, ok = mkDate(now.Year(), time.Month(nums[1]), nums[0], now.Location())
		}
		if !ok {
			return time.Time{}, ErrDateFormat
		}
	default:
		return time.Time{}, ErrDateFormat
	}
	if d.After(today) {
		return time.Time{}, ErrDateFuture
	}
	return d, nil
}

func mkDate(y int, m time.Month, d int, loc *time.Location) (time.Time, bool) {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Day() != d || t.Month() != m {
		return time.Time{}, false // 31 February
	}
	return t, true
}

// Coordinate errors: ErrLatLon for text that is not a "lat,lon" pair (an
// address, say), ErrLatLonRange for a pair that is no point on Earth.
var (
	ErrLatLon      = errors.New("not a lat,lon pair")
	ErrLatLonRange = errors.New("coordinates out of range")
)

// ParseLatLon reads "-7.4478, 112.7183" (comma, semicolon or space between).
// A pair that is NaN, infinite, or outside latitude -90..90 / longitude
// -180..180 is ErrLatLonRange, not ErrLatLon: the citizen meant coordinates
// (perhaps swapped, "112.71, -7.45") and must be told so, not have them
// stored as a typed address.
func ParseLatLon(s string) (float64, float64, error) {
	f := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if len(f) != 2 {
		return 0, 0, ErrLatLon
	}
	var v [2]float64
	for i, tok := range f {
		x, err := strconv.ParseFloat(tok, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) { // "1e999" is +Inf with ErrRange: coordinates, out of range
			return 0, 0, ErrLatLon
		}
		if finite(x) && !strings.Contains(tok, ".") {
			return 0, 0, ErrLatLon // "12 5" is an address, not coordinates; "NaN" and "1e999" are no address
		}
		v[i] = x
	}
	if !validLatLon(v[0], v[1]) {
		return 0, 0, ErrLatLonRange
	}
	return v[0], v[1], nil
}

// validLatLon reports whether lat, lon is a point on Earth. A shared pin is
// checked too: a channel (or a forged update) can send anything.
func validLatLon(lat, lon float64) bool {
	return finite(lat) && finite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// formatCoord shows a coordinate to the citizen: at most 6 decimals (about
// 10 cm), without trailing zeros.
func formatCoord(x float64) string {
	s := strconv.FormatFloat(x, 'f', 6, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
