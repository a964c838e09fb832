package api

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aduan-id/aduan/flows"
)

// YAMLTexts is a Texts read from a file shaped like flows/defaults/api.yaml
// (messages: key -> {id, en}). The flows engine's *flows.Set is the usual
// Texts; this one serves tools and tests.
type YAMLTexts struct {
	Messages map[string]flows.Text `yaml:"messages"`
}

// ParseTexts reads messages from YAML.
func ParseTexts(data []byte) (*YAMLTexts, error) {
	var t YAMLTexts
	if err := yaml.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("parse api texts: %w", err)
	}
	for k, v := range t.Messages {
		if v.ID == "" || v.EN == "" {
			return nil, fmt.Errorf("parse api texts: message %q needs id and en", k)
		}
	}
	return &t, nil
}

// LoadTexts reads messages from a YAML file.
func LoadTexts(path string) (*YAMLTexts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load api texts: %w", err)
	}
	return ParseTexts(data)
}

// Message renders key in lang, replacing {name} placeholders. An unknown key
// renders as the key itself, so a gap shows in tests instead of vanishing.
func (t *YAMLTexts) Message(lang, key string, vars map[string]string) string {
	m, ok := t.Messages[key]
	if !ok {
		return key
	}
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	// One pass: a value holding "{x}" (citizen text) is not expanded again.
	return strings.NewReplacer(pairs...).Replace(m.In(lang))
}
