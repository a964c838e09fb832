package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var ordinal = regexp.MustCompile(`^\d{1,2}(st|nd|rd|th)$`)

// When is what a citizen said about when something happened: an exact
// date, an approximate one ("minggu lalu", "sekitar tanggal 20", "awal
// bulan"), or that they do not know ("lupa", "tidak tahu"). Asking again
// and again for a date someone does not remember traps them; an
// approximate date is still useful to the agency, as long as it is marked
// as such.
type When struct {
	Date    time.Time // zero when Unknown
	Approx  bool      // Date is an estimate
	Unknown bool      // the citizen does not know
	// Words are the citizen's own words when they say more than the date
	// ("kemarin sore", "minggu lalu", "lupa"); "" for a plain date.
	Words string
}

// Words for "I don't know" (after normalize and slang: gak/ga/nggak ->
// tidak are folded by whenSlang first).
var dateUnknown = map[string]bool{
	"lupa": true, "tidak tahu": true, "tidak tau": true, "tidak ingat": true, "kurang tahu": true,
	"kurang tau": true, "tidak tahu pasti": true, "lupa tanggalnya": true, "saya lupa": true, "entah": true,
	"tidak yakin": true, "gatau": true, "gatahu": true, "embuh": true, "lali": true, "aku lali": true,
	"tidak ngerti": true, "tidak eruh": true, "kula kesupen": true, "kesupen": true, "mboten ngertos": true,
	"dont know": true, "do not know": true, "i dont know": true, "not sure": true, "forgot": true,
	"i forgot": true, "no idea": true, "unknown": true, "sudah lama": true, "sejak lama": true, "lama": true,
	"sudah lama sekali": true, "wis suwe": true, "suwe": true, "a long time ago": true, "long ago": true,
}

// whenSlang folds the spellings of "not" and "know" that dateUnknown is
// written with.
var whenSlang = strings.NewReplacer(" gak ", " tidak ", " ga ", " tidak ", " nggak ", " tidak ", " ngga ", " tidak ",
	" enggak ", " tidak ", " ndak ", " tidak ", " tdk ", " tidak ", " ora ", " tidak ", " mboten ", " tidak ",
	" tau ", " tahu ", " don t ", " dont ", " gk ", " tidak ")

// ParseWhen reads a date answer relative to now (in now's location). It
// accepts everything ParseDate does, and approximate and unknown dates.
// A date after today is ErrDateFuture; anything else unreadable
// ErrDateFormat.
func ParseWhen(s string, now time.Time) (When, error) {
	if d, err := ParseDate(s, now); err == nil {
		return When{Date: d}, nil
	} else if err == ErrDateFuture {
		return When{}, err
	}
	a := strings.TrimSpace(whenSlang.Replace(" " + strings.ReplaceAll(normalize(s), "'", " ") + " "))
	a = strings.NewReplacer("kira-kira", "kira kira", "kurang-lebih", "kurang lebih").Replace(a)
	words := strings.TrimSpace(s)
	if len([]rune(words)) > 60 {
		words = string([]rune(words)[:60]) + "…"
	}
	if dateUnknown[a] {
		return When{Unknown: true, Words: words}, nil
	}
	switch a {
	case "minggu depan", "bulan depan", "tahun depan", "next week", "next month", "next year", "minggu ngarep", "sasi ngarep":
		return When{}, ErrDateFuture
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	approx := func(d time.Time) (When, error) {
		if d.After(today) {
			return When{}, ErrDateFuture
		}
		return When{Date: d, Approx: true, Words: words}, nil
	}
	exact := func(d time.Time) (When, error) {
		return When{Date: d, Words: words}, nil
	}
	// An hedge before a date makes it approximate: "sekitar 12/11",
	// "kira-kira kemarin", "around the 20th".
	for _, h := range []string{"sekitar tanggal ", "kira kira tanggal ", "kurang lebih tanggal ", "sekitar ", "kira kira ",
		"kurang lebih ", "kurleb ", "kisaran ", "around the ", "around ", "about ", "approximately ", "kira2 ", "kirakira "} {
		if rest, ok := strings.CutPrefix(a, h); ok {
			if w, err := ParseWhen(rest, now); err == nil && !w.Unknown {
				w.Approx, w.Words = true, words
				return w, nil
			}
			if d, ok := dayOfMonth(rest, today); ok {
				return approx(d)
			}
		}
	}
	if rest, ok := strings.CutPrefix(a, "tanggal "); ok {
		if d, ok := dayOfMonth(rest, today); ok {
			return exact(d)
		}
	}
	// "the 20th", "20th": that day of this month, or of the last.
	if rest := strings.TrimPrefix(a, "the "); ordinal.MatchString(rest) {
		if d, ok := dayOfMonth(rest, today); ok {
			return exact(d)
		}
	}
	// A part of a day: the date is exact, the words say more.
	for _, p := range []struct {
		words []string
		days  int
	}{
		{[]string{"tadi", "tadi pagi", "tadi siang", "tadi sore", "barusan", "baru saja", "pagi ini", "siang ini", "sore ini", "malam ini",
			"this morning", "this afternoon", "this evening", "tonight", "just now", "earlier today", "mau esuk", "mau awan", "mau sore", "mau bengi", "saiki", "mau"}, 0},
		{[]string{"kemarin pagi", "kemarin siang", "kemarin sore", "kemarin malam", "tadi malam", "semalam", "kemarin", "wingi esuk",
			"wingi awan", "wingi sore", "wingi bengi", "yesterday morning", "yesterday afternoon", "yesterday evening", "last night"}, 1},
	} {
		for _, w := range p.words {
			if a == w {
				return exact(today.AddDate(0, 0, -p.days))
			}
		}
	}
	f := strings.Fields(a)
	// "N minggu/bulan lalu", "seminggu lalu", "2 weeks ago".
	if len(f) >= 2 && (f[len(f)-1] == "lalu" || f[len(f)-1] == "ago" || f[len(f)-1] == "kepungkur" || f[len(f)-1] == "kemarin" || f[len(f)-1] == "wingi" || f[len(f)-1] == "yang") {
		head := f[:len(f)-1]
		if len(head) >= 2 && head[len(head)-1] == "yang" {
			head = head[:len(head)-1]
		}
		if len(f) >= 3 && f[len(f)-1] == "lalu" && f[len(f)-2] == "yang" {
			head = f[:len(f)-2]
		}
		if d, ok := agoDate(head, today); ok {
			return approx(d)
		}
	}
	switch a {
	case "minggu lalu", "minggu kemarin", "seminggu", "pekan lalu", "last week", "a week ago", "minggu wingi", "seminggu kepungkur", "minggu kepungkur":
		return approx(today.AddDate(0, 0, -7))
	case "bulan lalu", "bulan kemarin", "sebulan", "last month", "a month ago", "sasi wingi", "wulan wingi", "sesasi kepungkur", "sasi kepungkur":
		return approx(today.AddDate(0, -1, 0))
	case "beberapa hari", "beberapa hari lalu", "beberapa hari yang lalu", "few days ago", "a few days ago", "several days ago",
		"sawetara dina", "pirang pirang dina", "barusan ini", "baru baru ini", "recently":
		return approx(today.AddDate(0, 0, -3))
	case "awal bulan", "awal bulan ini", "awal bulan kemarin", "early this month", "beginning of the month", "wiwitan sasi", "awal sasi":
		return approx(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location()))
	case "awal bulan lalu", "early last month", "wiwitan sasi wingi":
		return approx(time.Date(today.Year(), today.Month()-1, 1, 0, 0, 0, 0, today.Location()))
	case "pertengahan bulan", "tengah bulan", "pertengahan bulan ini", "mid month", "the middle of the month", "tengah sasi":
		d := time.Date(today.Year(), today.Month(), 15, 0, 0, 0, 0, today.Location())
		if d.After(today) {
			d = d.AddDate(0, -1, 0)
		}
		return approx(d)
	case "akhir bulan", "akhir bulan lalu", "akhir bulan kemarin", "end of last month", "the end of last month", "pungkasan sasi", "akhir sasi":
		return approx(time.Date(today.Year(), today.Month(), 0, 0, 0, 0, 0, today.Location()))
	case "tahun lalu", "last year", "taun wingi":
		return approx(today.AddDate(-1, 0, 0))
	}
	if d, ok := weekday(a, today); ok {
		return exact(d)
	}
	return When{}, ErrDateFormat
}

// agoDate reads "2 minggu", "seminggu", "dua bulan", "3 weeks" back from today.
func agoDate(f []string, today time.Time) (time.Time, bool) {
	var n int
	var unit string
	switch len(f) {
	case 1:
		switch f[0] {
		case "seminggu", "sepekan":
			return today.AddDate(0, 0, -7), true
		case "sebulan":
			return today.AddDate(0, -1, 0), true
		case "setahun":
			return today.AddDate(-1, 0, 0), true
		}
		return time.Time{}, false
	case 2:
		var err error
		if n, err = strconv.Atoi(f[0]); err != nil {
			var ok bool
			if n, ok = numberWords[f[0]]; !ok {
				return time.Time{}, false
			}
		}
		unit = f[1]
	default:
		return time.Time{}, false
	}
	if n < 0 || n > 120 {
		return time.Time{}, false
	}
	switch unit {
	case "hari", "day", "days", "dina":
		return today.AddDate(0, 0, -n), true
	case "minggu", "pekan", "week", "weeks", "minggon":
		return today.AddDate(0, 0, -7*n), true
	case "bulan", "month", "months", "sasi", "wulan":
		return today.AddDate(0, -n, 0), true
	case "tahun", "year", "years", "taun":
		return today.AddDate(-n, 0, 0), true
	}
	return time.Time{}, false
}

// dayOfMonth reads "20" or "20th" as the most recent 20th (this month, or
// last month when this month's is still ahead).
func dayOfMonth(s string, today time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		s = strings.TrimSuffix(s, suf)
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 31 {
		return time.Time{}, false
	}
	for back := 0; back < 3; back++ {
		y, m, _ := today.AddDate(0, -back, 0).Date()
		t, ok := mkDate(y, m, d, today.Location())
		if ok && !t.After(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

var weekdays = map[string]time.Weekday{
	"minggu": time.Sunday, "ahad": time.Sunday, "senin": time.Monday, "selasa": time.Tuesday, "rabu": time.Wednesday,
	"kamis": time.Thursday, "jumat": time.Friday, "sabtu": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"senen": time.Monday, "setu": time.Saturday, "jemuah": time.Friday, "kemis": time.Thursday, "rebo": time.Wednesday,
}

// weekday reads "hari senin", "senin kemarin", "last monday" as the most
// recent such day before today.
func weekday(a string, today time.Time) (time.Time, bool) {
	f := strings.Fields(a)
	var name string
	switch {
	case len(f) == 1:
		name = f[0]
	case len(f) == 2 && (f[0] == "hari" || f[0] == "last" || f[0] == "dina"):
		name = f[1]
	case len(f) == 2 && (f[1] == "kemarin" || f[1] == "lalu" || f[1] == "wingi"):
		name = f[0]
	default:
		return time.Time{}, false
	}
	wd, ok := weekdays[name]
	if !ok || len(f) == 1 && name == "minggu" {
		return time.Time{}, false // "minggu" alone is "week" as often as "Sunday"
	}
	back := (int(today.Weekday()) - int(wd) + 7) % 7
	if back == 0 {
		back = 7
	}
	return today.AddDate(0, 0, -back), true
}
