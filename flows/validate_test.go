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

// Region bounds are checked at load: all four edges, numbers, a real box.
func TestLoadRegionBounds(t *testing.T) {
	data, err := os.ReadFile("defaults/services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const line = "  bounds: {south: -7.60, west: 112.45, north: -7.30, east: 112.90}\n"
	if !strings.Contains(string(data), line) {
		t.Fatalf("services.yaml has no bounds line %q", line)
	}
	tests := []struct {
		name, bounds string
		want         string // "" loads
	}{
		{"default", line, ""},
		{"none: no check", "", ""},
		{"missing edge", "  bounds: {south: -7.60, west: 112.45, north: -7.30}\n", "east is missing"},
		{"unknown edge", "  bounds: {sout: -7.60, west: 112.45, north: -7.30, east: 112.90}\n", `unknown field "sout"`},
		{"not a number", "  bounds: {south: abc, west: 112.45, north: -7.30, east: 112.90}\n", "south: not a number"},
		{"NaN", "  bounds: {south: .nan, west: 112.45, north: -7.30, east: 112.90}\n", "finite"},
		{"infinite", "  bounds: {south: -7.60, west: 112.45, north: -7.30, east: .inf}\n", "finite"},
		{"south above north", "  bounds: {south: -7.30, west: 112.45, north: -7.60, east: 112.90}\n", "south -7.3 must be below north -7.6"},
		{"west beyond east", "  bounds: {south: -7.60, west: 112.90, north: -7.30, east: 112.45}\n", "west 112.9 must be below east 112.45"},
		{"latitude off Earth", "  bounds: {south: -97.60, west: 112.45, north: -7.30, east: 112.90}\n", "within -90..90"},
		{"not a map", "  bounds: -7.60\n", "want {south, west, north, east}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			changed := strings.Replace(string(data), line, tt.bounds, 1)
			if err := os.WriteFile(filepath.Join(dir, "services.yaml"), []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			set, err := Load(dir)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "services.yaml")):
				t.Fatalf("Load error %v, want one naming services.yaml and %q", err, tt.want)
			case tt.want == "" && (set.Catalog().Region.Bounds == nil) != (tt.bounds == ""):
				t.Errorf("bounds = %+v", set.Catalog().Region.Bounds)
			}
		})
	}
}
