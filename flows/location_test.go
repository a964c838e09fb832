package flows

import (
	"maps"
	"math"
	"strings"
	"testing"
	"time"
)

// atLocation is a draft waiting at the location step.
func atLocation(t *testing.T, e *Engine) Session {
	t.Helper()
	r := walk(e, Session{}, "lapor", "1", "Jalan amblas dekat jembatan",
		"Jalan amblas sedalam setengah meter di dekat jembatan.", "lewati", "hari ini")
	if r.Session.Step != "location" {
		t.Fatalf("at %q, want location", r.Session.Step)
	}
	return r.Session
}

func pin(lat, lon float64) Input { return Input{Location: &Location{Lat: lat, Lon: lon}} }
func typed(s string) Input       { return Input{Text: s} }
func press(v string) Input       { return Input{Choice: "complaint/location|" + v} }

// Coordinates are checked where they enter (a shared pin, typed "lat,lon"):
// no point on Earth is re-asked in the citizen's words; a point outside the
// regency is confirmed, then kept or replaced.
func TestLocationIsCheckedWhereItEnters(t *testing.T) {
	e := newTestEngine(t)
	start := atLocation(t, e)
	const (
		surabayaLat, surabayaLon = -7.2575, 112.7521 // outside Kabupaten Sidoarjo
		alunLat, alunLon         = -7.4478, 112.7183 // Alun-alun Sidoarjo
	)
	tests := []struct {
		name    string
		inputs  []Input
		step    string // where the draft is afterwards
		confirm bool   // a point waits for "are you sure?"
		lat     string // the stored answer ("" none)
		said    string // the last replies contain this
	}{
		{"NaN pin", []Input{pin(math.NaN(), alunLon)}, "location", false, "", "tidak terbaca"},
		{"+Inf pin", []Input{pin(math.Inf(1), alunLon)}, "location", false, "", "tidak terbaca"},
		{"-Inf pin", []Input{pin(alunLat, math.Inf(-1))}, "location", false, "", "tidak terbaca"},
		{"latitude 91 pin", []Input{pin(91, alunLon)}, "location", false, "", "tidak terbaca"},
		{"longitude -181 pin", []Input{pin(alunLat, -181)}, "location", false, "", "tidak terbaca"},
		{"typed NaN", []Input{typed("NaN, 112.7")}, "location", false, "", "lintang harus antara -90 dan 90"},
		{"typed Inf", []Input{typed("-7.45, Inf")}, "location", false, "", "lintang harus antara -90 dan 90"},
		{"typed latitude 91", []Input{typed("91.0, 112.7")}, "location", false, "", "lintang harus antara -90 dan 90"},
		{"typed longitude -181", []Input{typed("-7.45, -181.0")}, "location", false, "", "lintang harus antara -90 dan 90"},
		{"typed swapped", []Input{typed("112.7183, -7.4478")}, "location", false, "", "Tulis lintangnya dulu"},
		{"pin inside: its kecamatan proposed", []Input{pin(alunLat, alunLon)}, "kecamatan", false, "-7.447800", "Lokasinya di *Kec. Sidoarjo* — benar?"},
		{"typed inside: its kecamatan proposed", []Input{typed("-7.4478, 112.7183")}, "kecamatan", false, "-7.447800", "Lokasinya di *Kec. Sidoarjo* — benar?"},
		{"pin outside: asked", []Input{pin(surabayaLat, surabayaLon)}, "location", true, "", "berada di luar Kabupaten Sidoarjo"},
		{"typed outside: asked", []Input{typed("-7.2575, 112.7521")}, "location", true, "", "(-7.2575, 112.7521)"},
		{"outside, yes", []Input{pin(surabayaLat, surabayaLon), typed("ya")}, "kecamatan", false, "-7.257500", "Di kecamatan mana?"},
		{"outside, 1", []Input{pin(surabayaLat, surabayaLon), typed("1")}, "kecamatan", false, "-7.257500", ""},
		{"outside, pressed keep", []Input{pin(surabayaLat, surabayaLon), press("keep")}, "kecamatan", false, "-7.257500", ""},
		{"outside, no", []Input{pin(surabayaLat, surabayaLon), typed("tidak")}, "location", false, "", "Di mana lokasinya?"},
		{"outside, send another", []Input{pin(surabayaLat, surabayaLon), typed("Kirim lokasi lain")}, "location", false, "", "Di mana lokasinya?"},
		{"outside, pressed other", []Input{pin(surabayaLat, surabayaLon), press("other")}, "location", false, "", "Di mana lokasinya?"},
		{"outside, another pin inside", []Input{pin(surabayaLat, surabayaLon), pin(alunLat, alunLon)}, "kecamatan", false, "-7.447800", ""},
		{"outside, typed coordinates inside", []Input{pin(surabayaLat, surabayaLon), typed("-7.4478, 112.7183")}, "kecamatan", false, "-7.447800", ""},
		{"outside, a bad pin", []Input{pin(surabayaLat, surabayaLon), pin(math.NaN(), 0)}, "location", false, "", "tidak terbaca"},
		{"outside, unclear", []Input{pin(surabayaLat, surabayaLon), typed("hmm")}, "location", true, "", "tidak ada di daftar"},
		{"outside, help re-asks the confirm", []Input{pin(surabayaLat, surabayaLon), typed("bantuan")}, "location", true, "", "berada di luar"},
		{"outside, back forgets it", []Input{pin(surabayaLat, surabayaLon), typed("kembali")}, "when", false, "", "Kapan kejadiannya?"},
		{"outside, no, then an address", []Input{pin(surabayaLat, surabayaLon), typed("tidak"), typed("Jl. Raya Candi 5")}, "kecamatan", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start
			s.Fields = maps.Clone(start.Fields) // Step writes into the session's map
			var r Result
			for i, in := range tt.inputs {
				in.Now = t0.Add(time.Duration(i+10) * time.Second)
				r = e.Step(s, in)
				s = r.Session
			}
			if s.Step != tt.step || (s.Pin != nil) != tt.confirm || s.Fields["lat"] != tt.lat {
				t.Errorf("at %q confirming=%v lat=%q; want %q confirming=%v lat=%q", s.Step, s.Pin != nil, s.Fields["lat"], tt.step, tt.confirm, tt.lat)
			}
			var said []string
			for _, rep := range r.Replies {
				said = append(said, rep.Text)
			}
			if !strings.Contains(strings.Join(said, "\n"), tt.said) {
				t.Errorf("replies %q do not contain %q", said, tt.said)
			}
			if tt.confirm {
				last := r.Replies[len(r.Replies)-1]
				if len(last.Choices) != 2 || last.Ask != AskLocation || last.Step != "complaint/location" {
					t.Errorf("the confirm offers %+v", last)
				}
			}
		})
	}
}

// The confirm speaks the citizen's language.
func TestOutsideConfirmInEnglish(t *testing.T) {
	e := newTestEngine(t)
	s := atLocation(t, e)
	s.Lang = LangEN
	r := e.Step(s, Input{Location: &Location{Lat: -7.2575, Lon: 112.7521}, Now: t0.Add(time.Minute)})
	last := r.Replies[len(r.Replies)-1]
	if !strings.Contains(last.Text, "is outside Kabupaten Sidoarjo. Are you sure") ||
		last.Choices[0].Label != "Yes, keep it" || last.Choices[1].Label != "Send another location" {
		t.Errorf("confirm = %+v", last)
	}
	r = e.Step(r.Session, Input{Text: "91.0, 10.0", Now: t0.Add(2 * time.Minute)})
	if !strings.Contains(r.Replies[0].Text, "latitude must be between -90 and 90") {
		t.Errorf("re-ask = %q", r.Replies[0].Text)
	}
}

// With no bounds configured, a point anywhere on Earth is taken as it is.
func TestNoBoundsNoCheck(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	set.catalog.Region.Bounds = nil
	e := NewEngine(set, Config{})
	s := atLocation(t, e)
	r := e.Step(s, Input{Location: &Location{Lat: 51.5, Lon: -0.12}, Now: t0.Add(time.Minute)})
	if r.Session.Step != "kecamatan" || r.Session.Pin != nil || r.Session.Fields["lat"] != "51.500000" {
		t.Errorf("a point with no bounds was not taken: step %q pin %v lat %q", r.Session.Step, r.Session.Pin, r.Session.Fields["lat"])
	}
	r = e.Step(s, Input{Location: &Location{Lat: math.NaN(), Lon: 0}, Now: t0.Add(time.Minute)})
	if r.Session.Step != "location" {
		t.Error("a NaN pin was taken without bounds")
	}
}

// An admin's question arriving during the confirm keeps the waiting point:
// the confirm is asked again when the draft resumes.
func TestOutsideConfirmSurvivesAnInterruption(t *testing.T) {
	e := newTestEngine(t)
	s := atLocation(t, e)
	r := e.Step(s, Input{Location: &Location{Lat: -7.2575, Lon: 112.7521}, Now: t0.Add(time.Minute)})
	r = e.Step(r.Session, Input{Start: "answer", Pending: "SDA-AAAAAA", Now: t0.Add(2 * time.Minute)})
	if r.Session.Pin != nil {
		t.Fatal("the answer flow carries the draft's waiting point")
	}
	r = e.Step(r.Session, Input{Text: "Di depan masjid", Now: t0.Add(3 * time.Minute)})
	last := r.Replies[len(r.Replies)-1]
	if r.Session.Pin == nil || !strings.Contains(last.Text, "berada di luar") {
		t.Errorf("confirm not asked again after the answer: %q", last.Text)
	}
}
