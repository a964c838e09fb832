package flows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func newTestEngine(t *testing.T) *Engine {
	t.Helper()
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(set, Config{})
}

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// walk feeds texts and returns the last result.
func walk(e *Engine, s Session, texts ...string) Result {
	var r Result
	for i, txt := range texts {
		r = e.Step(s, Input{Text: txt, Now: t0.Add(time.Duration(i) * time.Second), Tracking: "SDA-AAAAAA"})
		s = r.Session
	}
	return r
}

func TestSessionStaysSmall(t *testing.T) {
	e := newTestEngine(t)
	r := walk(e, Session{}, "lapor", "1", "Jalan berlubang di Jl. Raya Candi",
		"Ada lubang besar di tengah jalan depan SDN Candi 1, sudah dua minggu.", "kemarin",
		"Jl. Raya Candi 5", "candi", "lewati", "anonim", "Siti Aminah", "081234567890")
	if r.Session.Step != "summary" {
		t.Fatalf("at step %q, want summary", r.Session.Step)
	}
	data, _ := json.Marshal(r.Session)
	// A full draft of a typical report: a few hundred bytes, not kilobytes.
	if len(data) > 600 {
		t.Errorf("session is %d bytes: %s", len(data), data)
	}
	t.Logf("full draft session: %d bytes", len(data))
}

func TestRestartsSessionsThatNoLongerFit(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name string
		s    Session
	}{
		{"step removed by a deploy", Session{Schema: SessionSchema, Flow: "complaint", Step: "gone", Updated: t0.Unix()}},
		{"flow removed by a deploy", Session{Schema: SessionSchema, Flow: "gone", Step: "x", Updated: t0.Unix()}},
		{"older schema", Session{Schema: SessionSchema + 1, Flow: "complaint", Step: "title", Updated: t0.Unix()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Step(tt.s, Input{Text: "halo", Now: t0})
			if r.Session.Flow != "" || r.Session.Schema != SessionSchema {
				t.Errorf("session not restarted: %+v", r.Session)
			}
			if len(r.Replies) == 0 || !strings.Contains(r.Replies[0].Text, "diperbarui") {
				t.Errorf("no polite restart message: %+v", r.Replies)
			}
		})
	}
}

func TestPressingAnOldButtonChangesNothing(t *testing.T) {
	e := newTestEngine(t)
	r := walk(e, Session{}, "lapor", "1") // now at title
	before := r.Session
	res := e.Step(before, Input{Choice: "complaint/category|sampah", Now: t0.Add(time.Minute)})
	if res.Accepted || len(res.Replies) != 0 || res.Session.Fields["category"] != "jalan" {
		t.Errorf("old button changed the conversation: accepted=%v replies=%d category=%q",
			res.Accepted, len(res.Replies), res.Session.Fields["category"])
	}
	res = e.Step(before, Input{Choice: "complaint/title|x", Now: t0.Add(time.Minute)})
	if !res.Accepted || res.Session.Step != "title" {
		t.Errorf("a press on the current text question should re-ask it, got %+v", res)
	}
}

func TestLanguageFollowsHintAndSwitch(t *testing.T) {
	e := newTestEngine(t)
	r := e.Step(Session{}, Input{Text: "hello", LangHint: LangEN, Now: t0})
	if r.Session.Lang != LangEN || !strings.Contains(r.Replies[0].Text, "Welcome") {
		t.Fatalf("English hint not followed: %+v", r.Replies)
	}
	r = e.Step(r.Session, Input{Text: "bahasa id", Now: t0})
	if r.Session.Lang != LangID || !strings.Contains(r.Replies[0].Text, "Bahasa Indonesia") {
		t.Fatalf("switch to Indonesian failed: %+v", r.Replies)
	}
}

func TestTextIsStoredByteExact(t *testing.T) {
	e := newTestEngine(t)
	weird := "Jalan\r\nrusak 👨‍👩‍👧 \u202eRTL\u202c *bold* _x_ `code` \x00 end" + strings.Repeat("é", 20)
	r := walk(e, Session{}, "lapor", "1", "Judul yang cukup", weird)
	if got := r.Session.Fields["description"]; got != weird {
		t.Errorf("description changed:\n got %q\nwant %q", got, weird)
	}
	long := strings.Repeat("lubang ", 1500) // 10,500 characters
	r = walk(e, Session{}, "lapor", "1", "Judul yang cukup", long)
	if r.Session.Fields["description"] != long {
		t.Error("a 10,500-character description was not accepted byte-exact")
	}
}

// A message without text (a shared contact card, a pin) is never a "skip":
// the skip word "-" normalises to nothing and once matched every such message.
func TestMessageWithoutTextIsNotSkip(t *testing.T) {
	e := newTestEngine(t)
	r := walk(e, Session{}, "lapor", "1", "Jalan berlubang besar", "Lubang besar di depan sekolah, sudah dua minggu.",
		"kemarin", "Jl. Raya Candi 5", "candi", "lewati", "rahasia", "lewati")
	if r.Session.Step != "phone" {
		t.Fatalf("at %q, want phone", r.Session.Step)
	}
	got := e.Step(r.Session, Input{Contact: &Contact{Name: "Warga", Phone: "+62 812-3456-7890", Own: true}, Now: t0})
	if got.Session.Fields["phone"] != "+6281234567890" {
		t.Errorf("contact card skipped the phone step: phone %q", got.Session.Fields["phone"])
	}
	got = e.Step(r.Session, Input{Text: "-", Now: t0})
	if got.Session.Step != "summary" || got.Session.Fields["phone"] != "" {
		t.Errorf(`"-" should still skip the optional phone: step %q phone %q`, got.Session.Step, got.Session.Fields["phone"])
	}
}

// add_info and answer emit their action and say nothing: the complaint side
// checks that the report is the citizen's and open, stores the addition, and
// only then thanks them with info_added / answer_added (api.yaml), so a
// stranger is not thanked before being refused.
func TestAdditionsLeaveTheReceiptToTheComplaintSide(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name   string
		s      Session
		inputs []Input
		kind   string
		key    string
	}{
		{"add info", Session{}, []Input{{Text: "tambah info SDA-AAAAAA"}, {Text: "Airnya makin tinggi"}, {Text: "lewati"}}, ActionAddInfo, "info_added"},
		{"answer", Session{}, []Input{{Start: "answer", Pending: "SDA-AAAAAA"}, {Text: "Di depan masjid"}}, ActionAnswer, "answer_added"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			var r Result
			for i, in := range tt.inputs {
				in.Now = t0.Add(time.Duration(i) * time.Second)
				r = e.Step(s, in)
				s = r.Session
			}
			if len(r.Actions) != 1 || r.Actions[0].Kind != tt.kind || r.Actions[0].Args["number"] != "SDA-AAAAAA" {
				t.Fatalf("actions %+v, want one %s for SDA-AAAAAA", r.Actions, tt.kind)
			}
			if len(r.Replies) != 0 {
				t.Errorf("the flow itself answered %q; the complaint side answers after storing", r.Replies[0].Text)
			}
			for _, lang := range []string{LangID, LangEN} {
				got := e.Set().Message(lang, tt.key, map[string]string{"number": "SDA-AAAAAA"})
				if got == tt.key || !strings.Contains(got, "SDA-AAAAAA") {
					t.Errorf("api text %s (%s) = %q: missing, or without {number}", tt.key, lang, got)
				}
			}
		})
	}
}
