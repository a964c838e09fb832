package flows

import (
	"errors"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) // a Friday
	tests := []struct {
		in      string
		date    string // "" when unknown
		approx  bool
		unknown bool
		words   bool // the citizen's words are kept
		err     error
	}{
		{"kemarin", "2026-11-19", false, false, false, nil},
		{"12/11/2026", "2026-11-12", false, false, false, nil},
		{"3 hari lalu", "2026-11-17", false, false, false, nil},
		{"kemarin sore", "2026-11-19", false, false, true, nil},
		{"tadi malam", "2026-11-19", false, false, true, nil},
		{"tadi pagi", "2026-11-20", false, false, true, nil},
		{"wingi sore", "2026-11-19", false, false, true, nil},
		{"yesterday evening", "2026-11-19", false, false, true, nil},
		{"lupa", "", false, true, true, nil},
		{"tidak tahu", "", false, true, true, nil},
		{"gak tau", "", false, true, true, nil},
		{"nggak tahu", "", false, true, true, nil},
		{"lali", "", false, true, true, nil},
		{"ora ngerti", "", false, true, true, nil},
		{"don't know", "", false, true, true, nil},
		{"sudah lama", "", false, true, true, nil},
		{"minggu lalu", "2026-11-13", true, false, true, nil},
		{"seminggu yang lalu", "2026-11-13", true, false, true, nil},
		{"2 minggu lalu", "2026-11-06", true, false, true, nil},
		{"dua minggu yang lalu", "2026-11-06", true, false, true, nil},
		{"bulan lalu", "2026-10-20", true, false, true, nil},
		{"last week", "2026-11-13", true, false, true, nil},
		{"minggu wingi", "2026-11-13", true, false, true, nil},
		{"a few days ago", "2026-11-17", true, false, true, nil},
		{"beberapa hari lalu", "2026-11-17", true, false, true, nil},
		{"sekitar tanggal 20", "2026-11-20", true, false, true, nil},
		{"sekitar tanggal 25", "2026-10-25", true, false, true, nil},
		{"kira-kira tanggal 3", "2026-11-03", true, false, true, nil},
		{"around the 20th", "2026-11-20", true, false, true, nil},
		{"sekitar 12/11", "2026-11-12", true, false, true, nil},
		{"kira-kira kemarin", "2026-11-19", true, false, true, nil},
		{"awal bulan", "2026-11-01", true, false, true, nil},
		{"awal bulan lalu", "2026-10-01", true, false, true, nil},
		{"pertengahan bulan", "2026-11-15", true, false, true, nil},
		{"akhir bulan lalu", "2026-10-31", true, false, true, nil},
		{"tanggal 20", "2026-11-20", false, false, true, nil},
		{"tanggal 28", "2026-10-28", false, false, true, nil},
		{"senin kemarin", "2026-11-16", false, false, true, nil},
		{"hari jumat", "2026-11-13", false, false, true, nil},
		{"besok", "", false, false, false, ErrDateFuture},
		{"minggu depan", "", false, false, false, ErrDateFuture},
		{"next week", "", false, false, false, ErrDateFuture},
		{"25/12/2026", "", false, false, false, ErrDateFuture},
		{"31/02/2026", "", false, false, false, ErrDateFormat},
		{"minggu", "", false, false, false, ErrDateFormat},
		{"pokoknya dulu", "", false, false, false, ErrDateFormat},
	}
	for _, tt := range tests {
		w, err := ParseWhen(tt.in, now)
		if !errors.Is(err, tt.err) {
			t.Errorf("%q: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		got := ""
		if !w.Date.IsZero() {
			got = w.Date.Format("2006-01-02")
		}
		if got != tt.date || w.Approx != tt.approx || w.Unknown != tt.unknown || (w.Words != "") != tt.words {
			t.Errorf("%q: %+v (date %s), want date %s approx=%v unknown=%v words=%v", tt.in, w, got, tt.date, tt.approx, tt.unknown, tt.words)
		}
	}
}

// An approximate or unknown date reaches the report as such: date plus
// date_approx and date_text, or date_unknown and date_text.
func TestApproximateDateInTheSubmit(t *testing.T) {
	e := newTestEngine(t)
	path := []string{"lapor", "2", "Got mampet di Jl. Mawar", "Got di depan rumah nomor 12 mampet sejak lama dan berbau.",
		"minggu lalu", "Jl. Mawar 12 RT 3", "candi", "lewati", "rahasia", "lewati", "lewati", "kirim"}
	r := walk(e, Session{}, path...)
	if len(r.Actions) != 1 {
		t.Fatalf("no submit: %+v", r.Session)
	}
	f := r.Actions[0].Fields
	if f["date"] != "2026-11-13" || f["date_approx"] != "1" || f["date_text"] != "minggu lalu" || f["date_unknown"] != "" {
		t.Errorf("approximate date fields: %v", f)
	}
	path[4] = "lupa"
	f = walk(e, Session{}, path...).Actions[0].Fields
	if f["date"] != "" || f["date_unknown"] != "1" || f["date_text"] != "lupa" || f["date_approx"] != "" {
		t.Errorf("unknown date fields: %v", f)
	}
	for k := range f {
		if internal(k) {
			t.Errorf("internal field %q sent with the report", k)
		}
	}
}

func TestOrdinalDay(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"the 3rd": "2026-11-03", "21st": "2026-10-21", "the 20th": "2026-11-20"} {
		w, err := ParseWhen(in, now)
		if err != nil || w.Date.Format("2006-01-02") != want || w.Approx {
			t.Errorf("%q: %+v %v, want %s exact", in, w, err, want)
		}
	}
}
