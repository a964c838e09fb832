package flows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// in is one scripted input: typed text, or "start:FLOW:NUMBER" for a flow
// started from outside (an admin's question).
func scripted(s string, now time.Time) Input {
	if rest, ok := strings.CutPrefix(s, "start:"); ok {
		flow, number, _ := strings.Cut(rest, ":")
		return Input{Start: flow, Pending: number, Now: now}
	}
	return Input{Text: s, Now: now, Tracking: "SDA-NEW001"}
}

// run feeds inputs one a second and returns the last result and every action
// as "kind number".
func run(e *Engine, s Session, inputs ...string) (Result, []string) {
	var r Result
	var acts []string
	for i, txt := range inputs {
		r = e.Step(s, scripted(txt, t0.Add(time.Duration(i)*time.Second)))
		s = r.Session
		for _, a := range r.Actions {
			acts = append(acts, strings.TrimSpace(a.Kind+" "+a.Args["number"]))
		}
	}
	return r, acts
}

var draftToIdentity = []string{"lapor", "2", "Genangan di Pondok Jati", "Air menggenang setinggi mata kaki sejak kemarin.",
	"kemarin", "Perumahan Pondok Jati", "sidoarjo", "lewati"}

// A flow started inside another never resumes that one with lost arguments,
// and never mixes their answers.
func TestNestedFlows(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name    string
		inputs  []string
		actions []string // "kind number" of every action, in order
		flow    string   // running flow afterwards ("" idle)
		step    string
		pending string
		outer   int    // flows still waiting
		said    string // the last input's replies contain this
	}{
		{name: "add-info inside itself, same report: goes on where it was",
			inputs: []string{"tambah info SDA-AAAAAA", "Airnya makin tinggi", "tambah info SDA-AAAAAA"},
			flow:   "add_info", step: "photos", pending: "SDA-AAAAAA", said: "sedang menambahkan informasi untuk laporan SDA-AAAAAA"},
		{name: "add-info inside itself, another report: replaces it",
			inputs:  []string{"tambah info SDA-AAAAAA", "tambah info SDA-BBBBBB", "Airnya makin tinggi", "lewati"},
			actions: []string{"add_info SDA-BBBBBB"}},
		{name: "the replaced add-info is not resumed afterwards",
			inputs:  []string{"tambah info SDA-AAAAAA", "tambah info SDA-BBBBBB", "Airnya makin tinggi", "lewati", "halo"},
			actions: []string{"add_info SDA-BBBBBB"}, said: "Apa yang ingin Anda lakukan?"},
		{name: "add-info inside an answer: the answer resumes with its number",
			inputs:  []string{"start:answer:SDA-AAAAAA", "tambah info SDA-BBBBBB", "Airnya makin tinggi", "lewati", "Di depan masjid"},
			actions: []string{"add_info SDA-BBBBBB", "answer SDA-AAAAAA"}},
		{name: "an answer inside an add-info: the add-info resumes with its number",
			inputs:  []string{"tambah info SDA-AAAAAA", "start:answer:SDA-BBBBBB", "Di depan masjid", "Airnya makin tinggi", "lewati"},
			actions: []string{"answer SDA-BBBBBB", "add_info SDA-AAAAAA"}},
		{name: "an answer inside an answer for another report waits under it",
			inputs:  []string{"start:answer:SDA-AAAAAA", "start:answer:SDA-BBBBBB", "Jawaban kedua", "Jawaban pertama"},
			actions: []string{"answer SDA-BBBBBB", "answer SDA-AAAAAA"}},
		{name: "an answer inside an answer for the same report starts afresh",
			inputs:  []string{"start:answer:SDA-AAAAAA", "start:answer:SDA-AAAAAA", "Satu jawaban", "halo"},
			actions: []string{"answer SDA-AAAAAA"}, said: "Apa yang ingin Anda lakukan?"},
		{name: "cancel inside a nested add-info returns to the answer",
			inputs: []string{"start:answer:SDA-AAAAAA", "tambah info SDA-BBBBBB", "batal"},
			flow:   "answer", step: "text", pending: "SDA-AAAAAA", said: "tidak dikirim"},
		{name: "cancel inside a nested add-info does not claim the draft was deleted",
			inputs: append(append([]string{}, draftToIdentity...), "tambah info SDA-AAAAAA", "batal"),
			flow:   "complaint", step: "identity", said: "informasi tambahan untuk laporan SDA-AAAAAA dibatalkan"},
		{name: "the draft keeps its answers under an add-info",
			inputs:  append(append([]string{}, draftToIdentity...), "tambah info SDA-AAAAAA", "Airnya makin tinggi", "lewati", "rahasia", "lewati", "lewati", "kirim"),
			actions: []string{"add_info SDA-AAAAAA", "submit"}},
		{name: "lapor inside an add-info over a draft goes back to the draft",
			inputs: append(append([]string{}, draftToIdentity...), "tambah info SDA-AAAAAA", "lapor"),
			flow:   "complaint", step: "identity", said: "laporan SDA-AAAAAA belum terkirim"},
		{name: "/start inside an add-info over a draft offers the draft",
			inputs: append(append([]string{}, draftToIdentity...), "tambah info SDA-AAAAAA", "/start"),
			flow:   "complaint", step: "identity", said: "belum selesai"},
		{name: "lapor inside an answer: the answer waits for the new report",
			inputs: []string{"start:answer:SDA-AAAAAA", "lapor"},
			flow:   "complaint", step: "category", outer: 1},
		{name: "ulang inside an add-info starts that add-info over",
			inputs: []string{"tambah info SDA-AAAAAA", "Airnya makin tinggi", "ulang"},
			flow:   "add_info", step: "info", pending: "SDA-AAAAAA"},
		{name: "at most maxOuter flows wait; the oldest follow-up goes, with a word",
			inputs: []string{"start:answer:SDA-AAAAAA", "start:answer:SDA-BBBBBB", "start:answer:SDA-CCCCCC",
				"start:answer:SDA-DDDDDD", "start:answer:SDA-EEEEEE"},
			flow: "answer", pending: "SDA-EEEEEE", step: "text", outer: maxOuter, said: "laporan SDA-AAAAAA belum terkirim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, acts := run(e, Session{}, tt.inputs...)
			if strings.Join(acts, ", ") != strings.Join(tt.actions, ", ") {
				t.Errorf("actions = %q, want %q", acts, tt.actions)
			}
			s := r.Session
			if s.Flow != tt.flow || s.Step != tt.step || s.Pending != tt.pending || len(s.Outer) != tt.outer {
				t.Errorf("at %s/%s pending %q with %d waiting; want %s/%s pending %q with %d",
					s.Flow, s.Step, s.Pending, len(s.Outer), tt.flow, tt.step, tt.pending, tt.outer)
			}
			var said []string
			for _, rep := range r.Replies {
				said = append(said, rep.Text)
			}
			if !strings.Contains(strings.Join(said, "\n"), tt.said) {
				t.Errorf("replies %q do not contain %q", said, tt.said)
			}
		})
	}
}

// Only a report draft is offered to be continued after a pause: a follow-up
// takes the late message as its answer (an officer's question answered the
// next morning), and does not offer to "start again" a report.
func TestLateAnswerIsTaken(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name, start, text, want string
	}{
		{"answer to an officer", "answer", "Di depan masjid", "answer"},
		{"solved?", "resolved", "belum", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Step(Session{}, Input{Start: tt.start, Pending: "SDA-AAAAAA", Now: t0})
			r = e.Step(r.Session, Input{Text: tt.text, Now: t0.Add(9 * time.Hour)})
			if r.Session.Resume {
				t.Fatalf("offered to continue a draft: %q", r.Replies)
			}
			if tt.want != "" && (len(r.Actions) != 1 || r.Actions[0].Kind != tt.want) {
				t.Errorf("actions %+v, want %s", r.Actions, tt.want)
			}
		})
	}
	// The draft itself is still offered.
	r, _ := run(e, Session{}, "lapor", "1")
	r = e.Step(r.Session, Input{Text: "Jalan berlubang besar", Now: t0.Add(9 * time.Hour)})
	if !r.Session.Resume {
		t.Errorf("a draft left 9 hours was not offered to continue: %q", r.Replies)
	}
}

// A session stored before frames (Ret "flow/step", answers in one map) goes
// on after the deploy: the interrupted draft gets its answers back.
func TestLegacyRetBecomesFrame(t *testing.T) {
	e := newTestEngine(t)
	var s Session
	if err := json.Unmarshal([]byte(`{"v":1,"l":"id","f":"add_info","s":"info","p":"SDA-AAAAAA","x":"complaint/identity",
		"d":{"category":"banjir","title":"Genangan di Pondok Jati","description":"Air menggenang setinggi mata kaki.",
		"date":"2026-11-19","location_kind":"kecamatan","kecamatan":"sidoarjo","photos":"p1.jpg"},"t":1795165200}`), &s); err != nil {
		t.Fatal(err)
	}
	r, acts := run(e, s, "Airnya makin tinggi", "lewati")
	if strings.Join(acts, ",") != "add_info SDA-AAAAAA" || len(r.Actions) != 1 || r.Actions[0].Photos != nil {
		t.Errorf("actions %q photos %v: want the add-info alone, without the draft's photo", acts, r.Actions[0].Photos)
	}
	got := r.Session
	if got.Flow != "complaint" || got.Step != "identity" || got.Fields["title"] != "Genangan di Pondok Jati" ||
		got.Fields["photos"] != "p1.jpg" || got.Ret != "" || len(got.Outer) != 0 {
		t.Errorf("draft not resumed intact: %+v", got)
	}
}

// A deploy that removes a waiting flow's step forgets that flow only.
func TestUnknownWaitingFlowIsDropped(t *testing.T) {
	e := newTestEngine(t)
	s := Session{Schema: SessionSchema, Lang: LangID, Flow: "add_info", Step: "info", Pending: "SDA-AAAAAA",
		Outer: []Frame{{Flow: "complaint", Step: "gone"}, {Flow: "answer", Step: "text", Pending: "SDA-BBBBBB"}}, Updated: t0.Unix()}
	r, acts := run(e, s, "Airnya makin tinggi", "lewati", "Di depan masjid", "halo")
	if strings.Join(acts, ", ") != "add_info SDA-AAAAAA, answer SDA-BBBBBB" || r.Session.Flow != "" || len(r.Session.Outer) != 0 {
		t.Errorf("actions %q, session %+v", acts, r.Session)
	}
}
