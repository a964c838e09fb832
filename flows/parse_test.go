package flows

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"081234567890", "+6281234567890", true},
		{"0812-3456-7890", "+6281234567890", true},
		{"+62 812 3456 7890", "+6281234567890", true},
		{"6281234567890", "+6281234567890", true},
		{"(0812) 3456.789", "+628123456789", true},
		{"0812345678", "+62812345678", true},
		{"08123456", "", false},         // too short
		{"0812345678901234", "", false}, // too long
		{"021-555-1234", "", false},     // a landline, not mobile
		{"+1 415 555 0100", "", false},  // not Indonesian
		{"0812abc4567", "", false},      // letters
		{"", "", false},
		{"+62+812345678", "", false}, // a plus in the middle
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"hari ini", "2026-11-20", nil},
		{"Hari Ini!", "2026-11-20", nil},
		{"kemarin", "2026-11-19", nil},
		{"yesterday", "2026-11-19", nil},
		{"3 hari lalu", "2026-11-17", nil},
		{"12/11/2026", "2026-11-12", nil},
		{"12-11-2026", "2026-11-12", nil},
		{"12.11.26", "2026-11-12", nil},
		{"2026-11-12", "2026-11-12", nil},
		{"12/11", "2026-11-12", nil},
		{"5 November 2026", "2026-11-05", nil},
		{"5 nop", "2026-11-05", nil},
		{"17 agustus 2025", "2025-08-17", nil},
		{"besok", "", ErrDateFuture},
		{"21/11/2026", "", ErrDateFuture},
		{"25 desember", "", ErrDateFuture},
		{"31/02/2026", "", ErrDateFormat},
		{"13/13/2026", "", ErrDateFormat},
		{"minggu lalu", "", ErrDateFormat},
		{"", "", ErrDateFormat},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now)
		if !errors.Is(err, tt.err) || (err == nil && got.Format("2006-01-02") != tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %s, %v", tt.in, got.Format("2006-01-02"), err, tt.want, tt.err)
		}
	}
}

func TestParseLatLon(t *testing.T) {
	tests := []struct {
		in       string
		lat, lon float64
		err      error
	}{
		{"-7.4478, 112.7183", -7.4478, 112.7183, nil},
		{"-7.4478;112.7183", -7.4478, 112.7183, nil},
		{"-7.4478 112.7183", -7.4478, 112.7183, nil},
		{"90.0, -180.0", 90, -180, nil}, // the edges are points
		{"-90.0, 180.0", -90, 180, nil},
		// Coordinates, but no point on Earth: re-asked, never an address.
		{"95.0, 10.0", 0, 0, ErrLatLonRange},
		{"91.0, 112.7", 0, 0, ErrLatLonRange},
		{"-7.45, -181.0", 0, 0, ErrLatLonRange},
		{"112.7183, -7.4478", 0, 0, ErrLatLonRange}, // swapped
		{"NaN, 1.0", 0, 0, ErrLatLonRange},
		{"-7.45 nan", 0, 0, ErrLatLonRange},
		{"Inf, 112.7", 0, 0, ErrLatLonRange},
		{"-7.45, -Inf", 0, 0, ErrLatLonRange},
		{"1e999, 112.7", 0, 0, ErrLatLonRange}, // +Inf by overflow
		// Not coordinates at all.
		{"12 5", 0, 0, ErrLatLon}, // an address number
		{"Jl. Raya 5", 0, 0, ErrLatLon},
		{"-7.45", 0, 0, ErrLatLon},
		{"-7.45, 112.71, 3.0", 0, 0, ErrLatLon},
		{"", 0, 0, ErrLatLon},
	}
	for _, tt := range tests {
		lat, lon, err := ParseLatLon(tt.in)
		if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) || lat != tt.lat || lon != tt.lon {
			t.Errorf("ParseLatLon(%q) = %v,%v,%v; want %v,%v,%v", tt.in, lat, lon, err, tt.lat, tt.lon, tt.err)
		}
	}
}

func TestMatchOption(t *testing.T) {
	opts := []Option{
		{Value: "public", Label: Text{ID: "Biasa", EN: "Public"}},
		{Value: "anonim", Label: Text{ID: "Anonim", EN: "Anonymous"}, Words: []string{"tanpa nama"}},
		{Value: "rahasia", Label: Text{ID: "Rahasia", EN: "Confidential"}},
	}
	tests := []struct {
		in   string
		want int
	}{
		{"1", 0}, {" 3 ", 2}, {"dua", 1}, {"three", 2}, {"RAHASIA", 2}, {"rahasia.", 2},
		{"Anónim", 1}, {"tanpa nama", 1}, {"confid", 2}, {"public", 0},
		{"4", -1}, {"0", -1}, {"x", -1}, {"", -1}, {"ra", -1},
	}
	for _, tt := range tests {
		if got := matchOption(tt.in, opts); got != tt.want {
			t.Errorf("matchOption(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// The parsers take anything a citizen types: they must never panic, and what
// they accept must be well-formed.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"081234567890", "+62 812-3456-7890", "6281", "+", "0", "٠٨١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(p, "+628") || len(p) < 12 || len(p) > 15 {
			t.Fatalf("NormalizePhone(%q) = %q: not a +628 number", s, p)
		}
		if again, err := NormalizePhone(p); err != nil || again != p {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, p, again, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"kemarin", "12/11/2026", "5 nov", "3 hari lalu", "2026-02-29", "99/99/99"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s, now)
		if err == nil && d.After(now) {
			t.Fatalf("ParseDate(%q) = %v: after now", s, d)
		}
	})
}

func FuzzParseLatLon(f *testing.F) {
	for _, s := range []string{"-7.4,112.7", "1e3,2.0", "-0.0 -0.0", "90.0,180.0", "NaN,1.0", "-Inf 2.5", "1e999,0.5", "0x1.8p1,2.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, err := ParseLatLon(s)
		if err == nil && (!finite(lat) || !finite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
			t.Fatalf("ParseLatLon(%q) = %v,%v: not a point on Earth", s, lat, lon)
		}
		if err != nil && !errors.Is(err, ErrLatLon) && !errors.Is(err, ErrLatLonRange) {
			t.Fatalf("ParseLatLon(%q): unexpected error %v", s, err)
		}
	})
}

func FuzzMatchOption(f *testing.F) {
	for _, s := range []string{"1", "satu", "Rahasia", "ANÓNIM", "\x00", "1\u200d"} {
		f.Add(s)
	}
	opts := []Option{{Value: "a", Label: Text{ID: "Satu", EN: "One"}}, {Value: "b", Label: Text{ID: "Dua", EN: "Two"}}}
	f.Fuzz(func(t *testing.T, s string) {
		if i := matchOption(s, opts); i < -1 || i >= len(opts) {
			t.Fatalf("matchOption(%q) = %d out of range", s, i)
		}
		if !utf8.ValidString(normalize(s)) && utf8.ValidString(s) {
			t.Fatalf("normalize(%q) produced invalid UTF-8", s)
		}
	})
}
