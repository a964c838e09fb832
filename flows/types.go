// Package flows is the conversation engine: flow definitions (YAML, embedded
// defaults, overridable by a directory), input validation and the texts a
// citizen sees, in Indonesian and English. It is pure: given a session and an
// input it returns the next session, the replies and the actions. It never
// logs and never does I/O; the bot package persists and delivers the results.
package flows

import "time"

// Languages the product speaks. Indonesian is the first language; every text
// exists in Indonesian and English, and the default files in Javanese too
// (ngoko; a text without jv falls back to Indonesian, which every Javanese
// speaker reads).
const (
	LangID = "id"
	LangEN = "en"
	LangJV = "jv"
)

// SessionSchema is bumped when the shape of Session changes incompatibly. A
// stored session of another schema (or one whose step no longer exists after a
// deploy) is restarted politely instead of breaking.
const SessionSchema = 1

// Session is the state of one conversation. It is stored in Redis as compact
// JSON (short keys, empty fields omitted): a few hundred bytes.
type Session struct {
	Schema int    `json:"v"`
	Lang   string `json:"l,omitempty"`
	Flow   string `json:"f,omitempty"` // flow id, "" when idle
	Step   string `json:"s,omitempty"` // current step id, "" when idle
	// Back is the stack of steps visited in this flow, for "back".
	Back []string `json:"b,omitempty"`
	// Fields holds the answers collected so far, by field name (see Draft).
	Fields map[string]string `json:"d,omitempty"`
	// Editing is set while the citizen edits one field from the summary: after
	// the edited step the flow returns to the summary.
	Editing bool `json:"e,omitempty"`
	// Resume is set when a citizen came back to a stale draft and was asked
	// whether to continue it.
	Resume bool `json:"r,omitempty"`
	// Updated is the unix time of the last change, for draft expiry and resume.
	Updated int64 `json:"t,omitempty"`
	// Reports are the tracking numbers this citizen filed (newest last, capped),
	// so "my reports" works without a lookup by chat.
	Reports []string `json:"n,omitempty"`
	// Pending carries a small per-flow value that a follow-up flow needs, such as
	// the tracking number a citizen is adding information to.
	Pending string `json:"p,omitempty"`
	// Outer are the flows interrupted by the running one (an admin's question
	// arriving mid-draft, "tambah info" typed mid-draft), innermost last. Each
	// keeps its own answers, report number and way back, and resumes when the
	// flow above it ends: a resumed flow never runs with another's arguments.
	Outer []Frame `json:"o,omitempty"`
	// Ret is how sessions stored before Outer named one interrupted flow
	// ("flow/step", its answers mixed with the running flow's). It is only
	// read, and turned into a Frame, so a deploy does not break them.
	Ret string `json:"x,omitempty"`
	// Pin is a point outside the region's bounds that the citizen gave at a
	// location step and has not yet confirmed ("are you sure?"). It becomes
	// the answer only on "yes, keep it".
	Pin *Location `json:"c,omitempty"`
	// Tries counts wrong answers at the current step, to vary the re-ask.
	Tries int `json:"w,omitempty"`
	// Warned is the unix time the emergency number was last given, so a
	// flooding report that says "banjir" in every answer is not interrupted
	// by the same warning each time.
	Warned int64 `json:"g,omitempty"`
	// Ask names a small question the engine asked over the current step (or
	// over the idle menu), so a typed "1" or "ya" answers it: AskLang,
	// AskCancel, AskGuess, AskCandidates, AskCheck, AskDuplicate.
	Ask string `json:"a,omitempty"`
	// Hints are one-letter marks of things said once per conversation
	// (HintJavanese: "you may write in Javanese").
	Hints string `json:"h,omitempty"`
}

// Questions the engine asks over a step (Session.Ask).
const (
	AskLang       = "lang"   // which language
	AskCancel     = "cancel" // really delete the draft?
	AskGuess      = "guess"  // "this is about X — right?" (Fields[_g.<field>])
	AskCandidates = "cands"  // one of these few options? (Fields[_c])
	AskCheck      = "check"  // "did you mean ...?" for an odd answer (Fields[_p])
	AskDuplicate  = "dup"    // support the similar report, or send anyway (Fields[_d])
)

// Hints said once per conversation (Session.Hints).
const (
	HintJavanese = "j"
)

// Frame is a flow put aside while another one runs (see Session.Outer).
type Frame struct {
	Flow    string            `json:"f"`
	Step    string            `json:"s"`
	Back    []string          `json:"b,omitempty"`
	Fields  map[string]string `json:"d,omitempty"`
	Pending string            `json:"p,omitempty"`
	Editing bool              `json:"e,omitempty"`
	Pin     *Location         `json:"c,omitempty"`
}

// Input is one message of a citizen, already converted from its channel.
type Input struct {
	Text     string    // typed text, as received (byte-exact)
	Choice   string    // value of a pressed button, if any
	Location *Location // a shared pin
	Photos   []Photo   // images already stored in the media store
	Contact  *Contact  // a shared contact card
	// Unsupported names content the bot cannot use (voice, sticker, video,
	// poll...): the citizen is asked to type or send a photo instead.
	Unsupported string
	// LangHint is the language the channel reports for the user (e.g. Telegram's
	// language_code); used only for a new conversation.
	LangHint string
	Now      time.Time
	// Start, when set, starts that flow from outside the chat (bot.FlowStarter)
	// with Pending as its value and Intro as the first line; Text etc. are empty.
	// A Start of the form "<flow>/<step>" is instead the answer to a lookup
	// that step asked (ActionNearby): Pending is what was found, Intro how to
	// say it; it is ignored unless the conversation still waits at that step.
	Start   string
	Pending string
	Intro   string
	// Tracking is a fresh candidate tracking number (e.g. SDA-7KQ2MX) that the
	// dispatcher made for this input; the engine uses it only when the input
	// finishes a report. The commit reserves it atomically, and a collision
	// reruns the step with a new candidate, so numbers are unique.
	Tracking string
}

// Location is a point and/or a place description.
type Location struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Address string  `json:"address,omitempty"`
}

// Contact is a shared contact card.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Own is true when the channel says the card is the sender's own.
	Own bool `json:"own,omitempty"`
}

// Photo is an image the adapter already saved in the media store.
type Photo struct {
	Ref         string `json:"ref"` // media-store reference
	ContentType string `json:"type,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// Choice is one option of a question. Value is stable (callback data, stored
// answers); Label is what the citizen sees, in their language.
//
// A Choice with a URL is a link, not an answer (the emergency number as
// "tel:112"): it has no Value, comes after the answers, and is not counted
// in a numbered menu. Telegram shows it as a URL button; a channel without
// buttons leaves it out, since the reply's text already holds what it links
// to (the number on its own line).
type Choice struct {
	Value string `json:"v"`
	Label string `json:"l"`
	URL   string `json:"u,omitempty"`
}

// Ask hints that a channel may render a special input for a step.
const (
	AskLocation = "location" // Telegram: a request-location reply button
	AskContact  = "contact"  // Telegram: a request-contact reply button
	AskPhoto    = "photo"
)

// Reply is one message to the citizen.
type Reply struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
	Ask     string   `json:"ask,omitempty"`
	// Step is the step that asked the question; a channel with buttons puts it
	// into the callback data so a press on an old question can be recognised.
	Step string `json:"step,omitempty"`
}

// Action kinds the engine emits. The bot package appends them to the action
// stream in the same atomic commit as the session; handlers (the complaint
// API) act on them and answer through the outbound stream.
const (
	ActionSubmit    = "submit"     // a finished report: Fields + Photos + Tracking
	ActionStatus    = "status"     // Args["number"]: status of a report
	ActionMyReports = "my_reports" // Args["numbers"]: list of own reports
	ActionAddInfo   = "add_info"   // Args["number"], Fields["info"], Photos
	ActionRate      = "rate"       // Args["number"], Args["rating"], Args["comment"]
	ActionReopen    = "reopen"     // Args["number"], Args["note"]
	ActionAnswer    = "answer"     // Args["number"], Args["text"]: answer to an admin's question
	// ActionNearby asks for an open report like the draft (same category,
	// within ~200 m of the pin, or the same kecamatan and a similar title, in
	// the last 30 days). Fields: category, title, lat, lon, kecamatan,
	// address. The answer comes back as an Input with Start "<flow>/<step>"
	// (the step that asked), Pending the number found ("" for none) and
	// Intro the sentence describing it.
	ActionNearby = "nearby"
	// ActionSupport: the citizen supports report Args["number"] instead of
	// filing the same problem again (follow it, +1).
	ActionSupport = "support"
)

// Action is work for outside the engine.
type Action struct {
	Kind     string            `json:"kind"`
	Tracking string            `json:"tracking,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	Photos   []Photo           `json:"photos,omitempty"`
	Args     map[string]string `json:"args,omitempty"`
}

// Result is what one step of the engine produces.
type Result struct {
	Session Session
	Replies []Reply
	Actions []Action
	// Accepted reports whether a pressed choice belonged to the current question;
	// false for a press on an old question (nothing changed).
	Accepted bool
	// AnswerLabel is the label of the pressed choice, for channels that edit the
	// question to show the answer.
	AnswerLabel string
}
