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
	// StepAttributes asks the chosen category's own questions (services.yaml
	// attributes), one per turn; skipped when the category has none.
	StepAttributes = "attributes"
	// StepNearby asks the complaint side for an open report like the draft
	// (ActionNearby) and, when there is one, whether to support it or send
	// anyway. Skipped unless Config.CheckNearby.
	StepNearby = "nearby"
)

// Checks a text or location step may make of an answer before taking it
// (Step.Checks). Each asks, never refuses: the citizen can keep the answer.
const (
	CheckCommand  = "command"  // a command word alone ("ubah", "lewati") is asked again
	CheckQuestion = "question" // a question is confirmed ("is that your title?")
	CheckPlace    = "place"    // a place that reads like a person's name or a date is confirmed
)

// File is one YAML file of flow definitions and/or messages.
type File struct {
	Flows    []*Flow         `yaml:"flows"`
	Messages map[string]Text `yaml:"messages"`
	// Words are the global intents (cancel, back, help, ...) and the emergency
	// words, by intent name; any language, matched after normalising.
	Words map[string][]string `yaml:"words"`
	// Catalog parts (services.yaml).
	Region    *Region          `yaml:"region"`
	Agencies  []Agency         `yaml:"agencies"`
	Services  []Service        `yaml:"services"`
	Kecamatan []kecamatanEntry `yaml:"kecamatan"`
	// Understand is how meaning is read (understand.yaml).
	Understand *Lexicon `yaml:"understand"`
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
	// Suggest is how a choice step proposes one option it guessed (from the
	// first message, a typed description, a pin): "{choice}" is its label.
	Suggest Text `yaml:"suggest"`
	// Draft is how a text step asks when its field already holds a draft
	// (the citizen's first message): "{draft}" is that text.
	Draft Text `yaml:"draft"`
	// Checks are the sanity checks of an answer (CheckCommand...).
	Checks []string `yaml:"checks"`
}

// Option is one answer of a choice step.
type Option struct {
	Value string   `yaml:"value"`
	Label Text     `yaml:"label"`
	Help  Text     `yaml:"help"`  // one plain sentence shown with the question
	Next  string   `yaml:"next"`  // overrides the step's Next for this answer
	Words []string `yaml:"words"` // extra words that choose it (any language)
}
