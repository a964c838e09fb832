package flows

// Step types. Each type knows how to ask, how to read an answer and where to
// store it; see steps.go.
const (
	StepChoice   = "choice"   // pick one option (buttons / numbered menu)
	StepText     = "text"     // free text with length limits and an optional pattern
	StepDate     = "date"     // a date, not in the future ("today", "yesterday", 12/11/2026)
	StepLocation = "location" // a pin, "lat,lon", a kecamatan name or a typed address
	StepPhotos   = "photos"   // up to N photos, then "done" or "skip"
	StepPhone    = "phone"    // an Indonesian mobile number, or a shared contact
	StepSummary  = "summary"  // show the answers; confirm, edit a field, or cancel
	StepFinish   = "finish"   // emit the flow's action and end the flow
)

// File is one YAML file of flow definitions and/or messages.
type File struct {
	Flows    []*Flow         `yaml:"flows"`
	Messages map[string]Text `yaml:"messages"`
	// Words are the global intents (cancel, back, help, ...) and the emergency
	// words, by intent name; any language, matched after normalising.
	Words map[string][]string `yaml:"words"`
	// Catalog parts (services.yaml).
	Region    *Region   `yaml:"region"`
	Agencies  []Agency  `yaml:"agencies"`
	Services  []Service `yaml:"services"`
	Kecamatan []string  `yaml:"kecamatan"`
}

// Flow is a guided conversation: steps from Start, each naming its Next.
type Flow struct {
	ID    string `yaml:"id"`
	Start string `yaml:"start"`
	Intro Text   `yaml:"intro"` // said once when the flow starts
	// Cancelled is said when the citizen cancels this flow; without it, the
	// report draft's "cancelled" message. A follow-up needs its own: telling
	// someone who cancels an add-info that their draft was deleted is wrong.
	Cancelled Text    `yaml:"cancelled"`
	Steps     []*Step `yaml:"steps"`

	file  string
	steps map[string]*Step
}

// Step is one question (or the finish) of a flow.
type Step struct {
	ID     string `yaml:"id"`
	Type   string `yaml:"type"`
	Field  string `yaml:"field"`  // where the answer is stored in Session.Fields
	Label  Text   `yaml:"label"`  // the field's name in the summary and edit menu
	Prompt Text   `yaml:"prompt"` // the question; may use {vars}
	Next   string `yaml:"next"`
	// Options of a choice step; OptionsFrom "services" or "kecamatan" takes
	// them from the catalogue instead.
	Options     []Option `yaml:"options"`
	OptionsFrom string   `yaml:"options_from"`
	// Text limits (runes) and an optional regular expression.
	Min     int    `yaml:"min"`
	Max     int    `yaml:"max"`
	Pattern string `yaml:"pattern"`
	// Optional steps accept the "skip" words.
	Optional bool `yaml:"optional"`
	// SkipIfSet skips the step when that field already has a value.
	SkipIfSet string `yaml:"skip_if_set"`
	// Unclear words (e.g. "terserah") choose Fallback instead of a re-ask: the
	// identity step falls back to the most protective mode.
	Unclear  []string `yaml:"unclear"`
	Fallback string   `yaml:"fallback"`
	// Errors are the re-asks, by reason (too_short, not_in_list, future, ...).
	Errors map[string]Text `yaml:"errors"`
	// Finish: the action to emit, its args (values: a field name, or $pending,
	// $tracking) and the closing reply.
	Action string            `yaml:"action"`
	Args   map[string]string `yaml:"args"`
	Reply  Text              `yaml:"reply"`
	// Summary: the fields shown and offered for editing, by step id.
	Fields []string `yaml:"fields"`
	// Max photos for a photos step.
	MaxPhotos int `yaml:"max_photos"`
}

// Option is one answer of a choice step.
type Option struct {
	Value string   `yaml:"value"`
	Label Text     `yaml:"label"`
	Help  Text     `yaml:"help"`  // one plain sentence shown with the question
	Next  string   `yaml:"next"`  // overrides the step's Next for this answer
	Words []string `yaml:"words"` // extra words that choose it (any language)
}
