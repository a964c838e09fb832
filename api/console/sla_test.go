package console

import (
	"testing"
	"time"
)

func TestCalendar(t *testing.T) {
	cal, err := NewCalendar(jakarta(), []string{"2026-12-25", "2026-12-24"})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, jakarta())
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	dues := []struct {
		start string
		n     int
		want  string // the deadline: midnight ending the last day
	}{
		{"2026-11-30 10:00", 3, "2026-12-04 00:00"}, // Monday -> end of Thursday
		{"2026-11-27 19:00", 3, "2026-12-03 00:00"}, // Friday evening -> end of Wednesday
		{"2026-11-28 09:00", 1, "2026-12-01 00:00"}, // Saturday -> end of Monday
		{"2026-12-22 09:00", 3, "2026-12-30 00:00"}, // Tuesday before Christmas: 23, (24, 25 off), 28, 29
		{"2026-11-30 23:30", 5, "2026-12-08 00:00"}, // late Monday WIB -> end of next Monday
	}
	for _, d := range dues {
		if got := cal.Due(at(d.start), d.n); !got.Equal(at(d.want)) {
			t.Errorf("Due(%s, %d) = %s, want %s", d.start, d.n, got, d.want)
		}
	}
	ages := []struct {
		from, to string
		want     int
	}{
		{"2026-11-30 08:00", "2026-11-30 17:00", 0},
		{"2026-11-27 08:00", "2026-12-01 08:00", 1}, // Friday -> Tuesday: Monday passed
		{"2026-12-23 08:00", "2026-12-29 08:00", 1}, // holidays and a weekend: only Monday 28
	}
	for _, a := range ages {
		if got := cal.WorkingDaysBetween(at(a.from), at(a.to)); got != a.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", a.from, a.to, got, a.want)
		}
	}
	if _, err := NewCalendar(nil, []string{"25-12-2026"}); err == nil {
		t.Error("a malformed holiday was accepted")
	}
}

func TestMasking(t *testing.T) {
	tests := []struct{ in, name, phone string }{
		{"Siti Rahayu", "S*** R***", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := maskName(tc.in); got != tc.name {
			t.Errorf("maskName(%q) = %q, want %q", tc.in, got, tc.name)
		}
	}
	phones := []struct{ in, want string }{
		{"081234567890", "0812******90"},
		{"+62 812-3456-7890", "+628********90"},
		{"12345", "*****"},
		{"", ""},
	}
	for _, p := range phones {
		if got := maskPhone(p.in); got != p.want {
			t.Errorf("maskPhone(%q) = %q, want %q", p.in, got, p.want)
		}
	}
}
