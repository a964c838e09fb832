package flows

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Javanese is the third language of the default files: every text a
// citizen can see (a mapping with id and en) has jv too. (A text without jv
// would fall back to Indonesian: readable, but not what was promised.) The
// Open311 service_notice is not a chat text and is left out.
func TestDefaultsSpeakJavanese(t *testing.T) {
	names, _ := fs.Glob(defaultFiles, "defaults/*.yaml")
	for _, name := range names {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			t.Fatal(err)
		}
		var walk func(n *yaml.Node, path string)
		walk = func(n *yaml.Node, path string) {
			if n.Kind == yaml.MappingNode {
				keys := map[string]string{}
				for i := 0; i+1 < len(n.Content); i += 2 {
					keys[n.Content[i].Value] = n.Content[i+1].Value
				}
				_, hasID := keys["id"]
				_, hasEN := keys["en"]
				_, hasJV := keys["jv"]
				if hasID && hasEN && !hasJV && !strings.HasSuffix(path, ".service_notice") {
					t.Errorf("%s line %d (%s): %q has no jv", name, n.Line, path, keys["id"])
				}
				for i := 0; i+1 < len(n.Content); i += 2 {
					walk(n.Content[i+1], path+"."+n.Content[i].Value)
				}
				return
			}
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
		walk(&root, "")
	}
}

// A Javanese conversation reads Javanese, and falls back to Indonesian for
// a text without it (an operator's file written before Javanese).
func TestJavaneseFallsBackToIndonesian(t *testing.T) {
	if got := (Text{ID: "Halo", EN: "Hello"}).In(LangJV); got != "Halo" {
		t.Errorf("a text without jv reads %q in Javanese, want the Indonesian", got)
	}
	e := newTestEngine(t)
	r := e.Step(Session{}, Input{Text: "halo", LangHint: LangJV, Now: t0})
	if !strings.Contains(r.Replies[0].Text, "Sugeng rawuh") {
		t.Errorf("welcome in Javanese: %q", r.Replies[0].Text)
	}
}
