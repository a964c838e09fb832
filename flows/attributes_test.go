package flows

import (
	"strings"
	"testing"
	"time"
)

// at walks a report of category code to its first attribute question.
func atAttributes(t *testing.T, e *Engine, number, description string) Session {
	t.Helper()
	r := walk(e, Session{}, "lapor", number, "Judul laporan yang cukup", description)
	if r.Session.Step != "details" {
		t.Fatalf("at %q, want details", r.Session.Step)
	}
	return r.Session
}

func TestAttributeAnswers(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name     string
		category string
		desc     string
		inputs   []Input
		field    string // attr.<code>
		want     string // stored value; "-" not stored
		step     string
	}{
		{"list by number", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Text: "2"}}, "attr.hole_size", "medium", "when"},
		{"list by label prefix", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Text: "kecil"}}, "attr.hole_size", "small", "when"},
		{"list pressed", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Choice: "complaint/details|hole_size=large"}}, "attr.hole_size", "large", "when"},
		{"list skipped", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Text: "lewati"}}, "attr.hole_size", "", "when"},
		{"list not an option", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Text: "lumayan"}}, "attr.hole_size", "-", "details"},
		{"old button of another question", "1", "Jalan di depan sekolah rusak parah sejak lama.", []Input{{Choice: "complaint/details|pole_number=x"}}, "attr.hole_size", "-", "details"},
		{"number", "3", "Sampah di depan rumah menumpuk dan berbau.", []Input{{Text: "sudah 5 hari"}}, "attr.days_uncollected", "5", "when"},
		{"number in words", "3", "Sampah di depan rumah menumpuk dan berbau.", []Input{{Text: "seminggu"}}, "attr.days_uncollected", "7", "when"},
		{"number out of range", "3", "Sampah di depan rumah menumpuk dan berbau.", []Input{{Text: "500"}}, "attr.days_uncollected", "-", "details"},
		{"number that is a date", "3", "Sampah di depan rumah menumpuk dan berbau.", []Input{{Text: "12/11/2026"}}, "attr.days_uncollected", "-", "details"},
		{"string", "4", "Lampu di depan toko mati sejak Senin malam.", []Input{{Text: "PJU-0231"}}, "attr.pole_number", "PJU-0231", "when"},
		{"string not visible", "4", "Lampu di depan toko mati sejak Senin malam.", []Input{{Text: "nomornya tidak kelihatan"}}, "attr.pole_number", "", "when"},
		{"string command", "4", "Lampu di depan toko mati sejak Senin malam.", []Input{{Text: "ubah"}}, "attr.pole_number", "-", "details"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := atAttributes(t, e, tt.category, tt.desc)
			var r Result
			for i, in := range tt.inputs {
				in.Now = t0.Add(time.Duration(i+10) * time.Second)
				r = e.Step(s, in)
				s = r.Session
			}
			v, ok := s.Fields[tt.field]
			if tt.want == "-" && ok || tt.want != "-" && v != tt.want || s.Step != tt.step {
				t.Errorf("%s = %q (set %v) at %q; want %q at %q (replies %q)", tt.field, v, ok, s.Step, tt.want, tt.step, r.Replies)
			}
		})
	}
}

// The description answers a list question when it says one value:
// "lubang besar" is not asked again; two values ("kecil ... besar") are.
func TestAttributeFromDescription(t *testing.T) {
	e := newTestEngine(t)
	r := walk(e, Session{}, "lapor", "1", "Jalan berlubang", "Ada lubang besar di tengah jalan depan pasar.")
	if r.Session.Step != "when" || r.Session.Fields["attr.hole_size"] != "large" {
		t.Errorf("at %q, hole_size %q", r.Session.Step, r.Session.Fields["attr.hole_size"])
	}
	r = walk(e, Session{}, "lapor", "1", "Jalan berlubang", "Lubang kecil di kiri, lubang besar di kanan jalan.")
	if r.Session.Step != "details" {
		t.Errorf("two sizes in the description: at %q, want the question", r.Session.Step)
	}
}

// A required attribute has no skip.
func TestRequiredAttribute(t *testing.T) {
	set, err := loadChanged(t, "services.yaml", "      - code: pole_number\n        datatype: string\n        required: false\n",
		"      - code: pole_number\n        datatype: string\n        required: true\n")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(set, Config{})
	r := walk(e, Session{}, "lapor", "4", "Lampu mati di Jl. Mojopahit", "Lampu di depan toko mati sejak Senin malam.")
	for _, c := range r.Replies[0].Choices {
		if c.Value == "skip" {
			t.Errorf("a required question offers Skip")
		}
	}
	r = e.Step(r.Session, Input{Text: "lewati", Now: t0.Add(time.Minute)})
	if r.Session.Step != "details" || !strings.Contains(r.Replies[0].Text, "perlu dijawab") {
		t.Errorf("a required question was skipped: at %q, %q", r.Session.Step, r.Replies[0].Text)
	}
}
