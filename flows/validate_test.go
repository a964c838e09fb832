package flows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadDefaults(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"complaint", "status", "add_info", "answer", "resolved"} {
		if _, ok := set.Flow(id); !ok {
			t.Errorf("default flow %q missing", id)
		}
	}
	if got := set.Catalog().Region.EmergencyNumber; got != "112" {
		t.Errorf("emergency number = %q, want 112", got)
	}
	if n := len(set.Catalog().Kecamatan); n != 18 {
		t.Errorf("kecamatan = %d, want Sidoarjo's 18", n)
	}
}

// A broken flow file in an override directory is reported with its file and
// step, one line per problem.
func TestLoadReportsFileAndStep(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown next", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: text, field: x, label: {id: X, en: X}, prompt: {id: A, en: A}, next: nowhere}
`, []string{"broken.yaml", `flow "demo" step "a"`, `unknown step "nowhere"`}},
		{"missing translation", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: text, field: x, label: {id: X, en: X}, prompt: {id: Tanya}, next: b}
      - {id: b, type: finish, reply: {id: Selesai, en: Done}}
`, []string{`flow "demo" step "a"`, "prompt: missing translation"}},
		{"unreachable", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: finish, reply: {id: Selesai, en: Done}}
      - {id: lost, type: finish, reply: {id: Hilang, en: Lost}}
`, []string{`step "lost"`, "unreachable"}},
		{"bad regex", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: text, field: x, pattern: "([", label: {id: X, en: X}, prompt: {id: A, en: A}, next: b}
      - {id: b, type: finish, reply: {id: Selesai, en: Done}}
`, []string{`step "a"`, "bad regex"}},
		{"duplicate step", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: finish, reply: {id: Selesai, en: Done}}
      - {id: a, type: finish, reply: {id: Selesai, en: Done}}
`, []string{`step "a"`, "duplicate step id"}},
		{"duplicate flow id", `
flows:
  - id: complaint
    start: a
    steps:
      - {id: a, type: finish, reply: {id: Selesai, en: Done}}
`, []string{`flow "complaint"`, "duplicate id"}},
		{"unknown type", `
flows:
  - id: demo
    start: a
    steps:
      - {id: a, type: dance, next: a}
`, []string{`step "a"`, `unknown type "dance"`}},
		{"unknown yaml field", `
flows:
  - id: demo
    strat: a
`, []string{"broken.yaml", "strat"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load accepted a broken flow file")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

// An override file replaces the default file of the same name only.
func TestLoadOverride(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("defaults/services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `emergency_number: "112"`, `emergency_number: "122"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "services.yaml"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Catalog().Region.EmergencyNumber; got != "122" {
		t.Errorf("emergency number = %q, want the override's 122", got)
	}
	if _, ok := set.Flow("complaint"); !ok {
		t.Error("the default complaint flow was lost by overriding services.yaml")
	}
}
