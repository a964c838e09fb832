package flows

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed defaults/*.yaml
var defaultFiles embed.FS

// Set is everything loaded from the flow files: the flows, the messages, the
// intent words and the services catalogue.
type Set struct {
	flows    map[string]*Flow
	messages map[string]Text
	words    map[string][]string // intent -> normalised words
	catalog  Catalog
	patterns map[string]*regexp.Regexp // "flow/step" -> compiled pattern
	lex      *lexicon                  // understand.yaml, compiled
	keywords map[string][]keyword      // service code -> its keywords, compiled
	tracking *regexp.Regexp            // a tracking number anywhere in a message
	known    map[string]bool           // words that are no typo (category.go)
}

// Load reads the embedded default files, then the *.yaml files of dir (if
// dir is not empty): a file in dir replaces the default file of the same name,
// so an operator can override one flow or the services list alone. The
// result is validated; the error lists every problem with its file and step.
func Load(dir string) (*Set, error) {
	files := map[string][]byte{}
	defaults, _ := fs.Glob(defaultFiles, "defaults/*.yaml")
	for _, name := range defaults {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", name, err)
		}
		files[filepath.Base(name)] = data
	}
	if dir != "" {
		matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, fmt.Errorf("list flows in %s: %w", dir, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("flows dir %s: no *.yaml files", dir)
		}
		for _, m := range matches {
			data, err := os.ReadFile(m)
			if err != nil {
				return nil, fmt.Errorf("read flow file: %w", err)
			}
			files[filepath.Base(m)] = data
		}
	}
	return parse(files, dir)
}

// parse builds a Set from file contents by base name.
func parse(files map[string][]byte, dir string) (*Set, error) {
	s := &Set{flows: map[string]*Flow{}, messages: map[string]Text{}, words: map[string][]string{}, patterns: map[string]*regexp.Regexp{}}
	var errs []error
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	msgFile := map[string]string{}
	catalogFile, lexFile := "", ""
	var lex *Lexicon
	for _, name := range names {
		shown := name
		if dir != "" {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				shown = filepath.Join(dir, name)
			}
		}
		var f File
		dec := yaml.NewDecoder(strings.NewReader(string(files[name])))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			errs = append(errs, fmt.Errorf("%s: %w", shown, err))
			continue
		}
		for _, fl := range f.Flows {
			fl.file = shown
			if prev, dup := s.flows[fl.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: flow %q: duplicate id (also in %s)", shown, fl.ID, prev.file))
				continue
			}
			s.flows[fl.ID] = fl
		}
		for k, t := range f.Messages {
			if prev, dup := msgFile[k]; dup {
				errs = append(errs, fmt.Errorf("%s: message %q: duplicate key (also in %s)", shown, k, prev))
			}
			msgFile[k] = shown
			if t.ID == "" || t.EN == "" {
				errs = append(errs, fmt.Errorf("%s: message %q: missing translation (needs id and en)", shown, k))
			}
			s.messages[k] = t
		}
		for intent, ws := range f.Words {
			for _, w := range ws {
				// A word that normalises to nothing ("-") would match every
				// message without text, such as a shared contact card.
				if n := normalize(w); n != "" {
					s.words[intent] = append(s.words[intent], n)
				} else if w != "" {
					s.words[intent] = append(s.words[intent], w)
				}
			}
		}
		if f.Region != nil || len(f.Services) > 0 {
			if catalogFile != "" {
				errs = append(errs, fmt.Errorf("%s: services catalogue defined twice (also in %s)", shown, catalogFile))
			}
			catalogFile = shown
			if f.Region != nil {
				s.catalog.Region = *f.Region
			}
			s.catalog.Agencies, s.catalog.Services = f.Agencies, f.Services
			s.catalog.setKecamatan(f.Kecamatan)
			errs = append(errs, s.catalog.validate(shown)...)
		}
		if f.Understand != nil {
			if lexFile != "" {
				errs = append(errs, fmt.Errorf("%s: understand defined twice (also in %s)", shown, lexFile))
			}
			lexFile, lex = shown, f.Understand
		}
	}
	if catalogFile == "" {
		errs = append(errs, errors.New("no services catalogue (services.yaml) found"))
	}
	if lex == nil {
		errs = append(errs, errors.New("no word lists (understand.yaml) found"))
	} else {
		var lerrs []error
		s.lex, lerrs = lex.compile(lexFile)
		errs = append(errs, lerrs...)
		s.compileCatalog()
	}
	errs = append(errs, s.validate()...)
	if len(errs) > 0 {
		return nil, &LoadError{Errs: errs}
	}
	return s, nil
}

// LoadError lists every problem found in the flow files.
type LoadError struct{ Errs []error }

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		lines[i] = err.Error()
	}
	return "invalid flows:\n  " + strings.Join(lines, "\n  ")
}

// Flow returns the flow with id.
func (s *Set) Flow(id string) (*Flow, bool) { f, ok := s.flows[id]; return f, ok }

// Catalog returns the services catalogue.
func (s *Set) Catalog() *Catalog { return &s.catalog }

// Message renders message key in lang with {vars}. A missing key renders as
// the key itself (load-time validation makes that a bug, never a blank).
func (s *Set) Message(lang, key string, vars map[string]string) string {
	t, ok := s.messages[key]
	if !ok {
		return key
	}
	return fill(t.In(lang), vars)
}

// HasMessage reports whether key exists (adapters check their keys at start).
func (s *Set) HasMessage(key string) bool { _, ok := s.messages[key]; return ok }

// step returns a flow's step.
func (f *Flow) step(id string) (*Step, bool) { st, ok := f.steps[id]; return st, ok }

// fill replaces {name} placeholders.
func fill(text string, vars map[string]string) string {
	if len(vars) == 0 || !strings.Contains(text, "{") {
		return text
	}
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
