package flows

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// fresh is a copy of s that a Step cannot change (Step writes into the
// session's map and may append to its slices).
func fresh(s Session) Session {
	s.Fields = maps.Clone(s.Fields)
	s.Back = slices.Clip(slices.Clone(s.Back))
	return s
}

// toSummary walks a report to its summary.
var toSummary = []string{"lapor", "4", "Lampu PJU mati di Jl. Pahlawan", "Tiga lampu di depan SMPN 1 mati sejak Senin.",
	"lewati", "kemarin", "Jl. Pahlawan 10", "sidoarjo", "lewati", "rahasia", "lewati", "lewati"}

func TestNearbyIsOffByDefault(t *testing.T) {
	e := newTestEngine(t)
	r := walk(e, Session{}, append(toSummary, "kirim")...)
	if len(r.Actions) != 1 || r.Actions[0].Kind != ActionSubmit {
		t.Errorf("without CheckNearby the report is sent at once: %+v", r.Actions)
	}
}

func TestNearbyLookup(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(set, Config{CheckNearby: true})
	r := walk(e, Session{}, append(toSummary, "kirim")...)
	if len(r.Actions) != 1 || r.Actions[0].Kind != ActionNearby || r.Actions[0].Fields["category"] != "pju" ||
		r.Actions[0].Fields["kecamatan"] != "sidoarjo" || r.Actions[0].Fields["address"] != "Jl. Pahlawan 10" || len(r.Replies) != 0 {
		t.Fatalf("send asks for a lookup, silently: %+v %+v", r.Actions, r.Replies)
	}
	waiting := r.Session
	at := func(d time.Duration) time.Time { return t0.Add(time.Minute + d) }

	// Nothing similar: sent at once, with the number of that input.
	got := e.Step(fresh(waiting), Input{Start: "complaint/nearby", Now: at(0), Tracking: "SDA-BBBBBB"})
	if !got.Accepted || len(got.Actions) != 1 || got.Actions[0].Kind != ActionSubmit || got.Actions[0].Tracking != "SDA-BBBBBB" {
		t.Errorf("no similar report: %+v", got.Actions)
	}
	// Typed "kirim" while waiting: sent without waiting.
	got = e.Step(fresh(waiting), Input{Text: "kirim", Now: at(0), Tracking: "SDA-CCCCCC"})
	if len(got.Actions) != 1 || got.Actions[0].Kind != ActionSubmit {
		t.Errorf("'kirim' while waiting: %+v", got.Actions)
	}
	// "Kirim laporan baru" pressed while waiting: sent.
	got = e.Step(fresh(waiting), Input{Choice: "complaint/nearby|~send", Now: at(0), Tracking: "SDA-CCCCCC"})
	if !got.Accepted || len(got.Actions) != 1 || got.Actions[0].Kind != ActionSubmit {
		t.Errorf("send pressed while waiting: %+v", got.Actions)
	}
	// Something else while waiting: told to wait, nothing sent.
	got = e.Step(fresh(waiting), Input{Text: "halo?", Now: at(0)})
	if len(got.Actions) != 0 || got.Session.Step != "nearby" || len(got.Replies) != 1 {
		t.Errorf("'halo?' while waiting: %+v %+v", got.Actions, got.Replies)
	}
	// Found: asked; supported: a support action, no report, the draft ends.
	found := e.Step(fresh(waiting), Input{Start: "complaint/nearby", Pending: "sda-7kq2mx", Intro: "Sudah ada laporan serupa.", Now: at(0)})
	if found.Session.Fields[keyDup] != "SDA-7KQ2MX" || found.Session.Ask != AskDuplicate || len(found.Replies) != 1 {
		t.Fatalf("a similar report is not asked about: %+v", found)
	}
	got = e.Step(fresh(found.Session), Input{Choice: "complaint/nearby|~support", Now: at(time.Second)})
	if len(got.Actions) != 1 || got.Actions[0].Kind != ActionSupport || got.Actions[0].Args["number"] != "SDA-7KQ2MX" || got.Session.Flow != "" {
		t.Errorf("support: %+v, flow %q", got.Actions, got.Session.Flow)
	}
	// Found, sent anyway.
	got = e.Step(fresh(found.Session), Input{Text: "kirim laporan baru", Now: at(time.Second), Tracking: "SDA-DDDDDD"})
	if len(got.Actions) != 1 || got.Actions[0].Kind != ActionSubmit || got.Actions[0].Fields[keyDup] != "" {
		t.Errorf("send anyway: %+v", got.Actions)
	}
	// A second answer, or an answer after the citizen went back, changes nothing.
	for name, s := range map[string]Session{"answered": found.Session, "went back": e.Step(fresh(waiting), Input{Text: "kembali", Now: at(0)}).Session} {
		got = e.Step(fresh(s), Input{Start: "complaint/nearby", Pending: "SDA-EEEEEE", Now: at(2 * time.Second)})
		if got.Accepted || len(got.Replies) != 0 || len(got.Actions) != 0 || got.Session.Fields[keyDup] != s.Fields[keyDup] {
			t.Errorf("%s: a late answer changed the conversation: %+v", name, got)
		}
	}
}
