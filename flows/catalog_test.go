package flows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadChanged loads the defaults with one default file changed by a
// replacement (old must occur in it).
func loadChanged(t *testing.T, file, old, new string) (*Set, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("defaults", file))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", file, old)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(dir)
}

// The number for an emergency is the one its service has in services.yaml,
// else the emergency number; it comes as text and as a tel: link, last.
func TestEmergencyNumberPerService(t *testing.T) {
	set, err := loadChanged(t, "services.yaml", `  emergency_number: "112"`+"\n",
		`  emergency_number: "112"`+"\n"+`  emergency_numbers: {police: "110", fire: "113", ambulance: "118"}`+"\n")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(set, Config{})
	for text, want := range map[string]string{
		"rumah tetangga terbakar!!":   "113",
		"ada begal di jalan":          "110",
		"ada yang kejang2 gak sadar":  "118",
		"tabrakan motor di bundaran":  "118",
		"ada orang tenggelam di kali": "112",
		"bau gas menyengat di dapur":  "113",
		"tolong!!":                    "112",
	} {
		r := e.Step(Session{}, Input{Text: text, Now: t0})
		if len(r.Replies) != 1 {
			t.Fatalf("%q: %d messages", text, len(r.Replies))
		}
		rep := r.Replies[0]
		link := rep.Choices[len(rep.Choices)-1]
		if link.URL != "tel:"+want || !strings.Contains(rep.Text, "\n📞 "+want+"\n") && !strings.HasSuffix(rep.Text, "📞 "+want) {
			t.Errorf("%q: link %+v, text %q; want %s", text, link, rep.Text, want)
		}
		for _, c := range rep.Choices[:len(rep.Choices)-1] {
			if c.URL != "" || c.Value == "" {
				t.Errorf("%q: the link is not the last choice: %+v", text, rep.Choices)
			}
		}
	}
}

// Within 15 minutes a mention does not repeat the number; a message that
// is nothing but the emergency does.
func TestEmergencyNotRepeated(t *testing.T) {
	e := newTestEngine(t)
	r := e.Step(Session{}, Input{Text: "rumah tetangga terbakar", Now: t0})
	r = e.Step(r.Session, Input{Text: "lapor kebakaran gudang tadi malam", Now: t0.Add(time.Minute)})
	if strings.Contains(r.Replies[0].Text, "📞") {
		t.Errorf("repeated within 15 minutes: %q", r.Replies[0].Text)
	}
	r = e.Step(r.Session, Input{Text: "kebakaran!!", Now: t0.Add(2 * time.Minute)})
	if !strings.Contains(r.Replies[0].Text, "📞") {
		t.Errorf("an emergency word alone was not answered: %q", r.Replies[0].Text)
	}
}

func TestLoadRejectsBadCatalogAndWords(t *testing.T) {
	tests := []struct {
		name, file, old, new, want string
	}{
		{"unknown emergency service", "services.yaml", `  emergency_number: "112"` + "\n",
			`  emergency_number: "112"` + "\n" + `  emergency_numbers: {polisi: "110"}` + "\n", `"polisi": want police`},
		{"emergency number not a number", "services.yaml", `emergency_number: "112"`, `emergency_number: "call us"`, "not a phone number"},
		{"attribute datatype", "services.yaml", "datatype: number", "datatype: datetime", `datatype "datetime"`},
		{"attribute without question", "services.yaml",
			`          id: "Seberapa besar lubang atau kerusakannya?"` + "\n", "", "description (the question): missing translation"},
		{"list of one value", "services.yaml", "          - key: small\n", "          - key: medium\n", `value "medium": empty, duplicate`},
		{"keywords language", "services.yaml", "      jv: [sampah numpuk", "      jw: [sampah numpuk", `language "jw"`},
		{"two catch-alls", "services.yaml", "    group: layanan\n", "    group: layanan\n    other: true\n", "at most one catch-all"},
		{"kecamatan centre swapped", "services.yaml", "center: [-7.489, 112.713]", "center: [112.713, -7.489]", "latitude first"},
		{"emergency service", "understand.yaml", "      service: police\n", "      service: polisi\n", `service "polisi"`},
		{"sentence intent", "understand.yaml", "    add_info:\n", "    tambah:\n", `sentence intent "tambah"`},
		{"check on the wrong step", "complaint.yaml", "        checks: [place]\n", "        checks: [question]\n", `check "question": not a check of a location step`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadChanged(t, tt.file, tt.old, tt.new)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("Load error %v, want one naming %s and %q", err, tt.file, tt.want)
			}
		})
	}
}
