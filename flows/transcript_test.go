package flows

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the transcripts in testdata/transcripts from the engine's answers")

// A transcript is a conversation a person can read: citizen lines start with
// "> ", bot lines with "< " (choices as "<   1. label"). The test replays the
// citizen lines through the engine and compares the whole conversation. With
// -update it rewrites the bot lines; review them in the diff.
//
// Citizen lines may be special inputs:
//
//	> [press N]            press button N of the last question (a callback)
//	> [press-old N]        press button N of the question before the last one
//	> [photo]              send a photo
//	> [location LAT,LON]   share a location pin (any floats: NaN, Inf, 91 too)
//	> [contact +62...]     share a contact card
//	> [voice]              send a voice note (unsupported)
//	> [unsupported KIND]   content the channel refused (photo_too_large, live_location...)
//	> [wait DURATION]      let time pass (e.g. 2h)
//	> [start FLOW NUMBER]  a flow started from outside (an admin resolved a report)
//	> [album N]            send N photos in one message
//	> [nearby NUMBER TEXT] the complaint side's answer to a nearby lookup
//	                       (NUMBER "-" for none, TEXT how to say it)
//	# comment              kept as is
//
// A file name ending in _en.txt starts the conversation with an English hint,
// _jv.txt with a Javanese one; a name starting with nearby_ runs with the
// duplicates check on (Config.CheckNearby). Links (the emergency number's
// tel: button) render as "<   [link LABEL -> URL]". Every turn must end in
// one message: the test fails when a turn asks two questions.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("../testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts found: %v", err)
	}
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lang := ""
			switch {
			case strings.HasSuffix(file, "_en.txt"):
				lang = LangEN
			case strings.HasSuffix(file, "_jv.txt"):
				lang = LangJV
			}
			nearby := strings.HasPrefix(filepath.Base(file), "nearby_")
			got := replay(t, set, string(data), lang, nearby)
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(data) {
				t.Errorf("transcript differs (run go test ./flows -run TestTranscripts -update and review the diff):\n%s", diffLines(string(data), got))
			}
		})
	}
}

func replay(t *testing.T, set *Set, script string, lang string, nearby bool) string {
	t.Helper()
	e := NewEngine(set, Config{CheckNearby: nearby})
	mergeCheck = func(rs []Reply) {
		questions := 0
		for _, r := range rs {
			if r.Step != "" {
				questions++
			}
		}
		if questions > 1 {
			t.Errorf("one turn asked %d questions: %+v", questions, rs)
		}
	}
	defer func() { mergeCheck = nil }()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	var s Session
	var last, prev []Reply
	var out strings.Builder
	seq := 0
	for _, line := range strings.Split(script, "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
			out.WriteString(line + "\n")
			continue
		case !strings.HasPrefix(line, "> "):
			continue
		}
		out.WriteString(line + "\n")
		seq++
		in := Input{Now: now, Tracking: fmt.Sprintf("SDA-TEST%02d", seq)}
		in.LangHint = lang
		text := strings.TrimPrefix(line, "> ")
		if err := special(text, &in, last, prev, &now); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if strings.HasPrefix(text, "[wait ") {
			continue // only time passes
		}
		in.Now = now
		if in.Choice == "" && !strings.HasPrefix(text, "[") {
			in.Text = text
		}
		res := e.Step(s, in)
		s = res.Session
		if len(res.Replies) > 1 {
			t.Errorf("line %q: %d messages for one turn", line, len(res.Replies))
		}
		if in.Choice != "" && !res.Accepted {
			out.WriteString("< (button of an old question: nothing changes)\n")
		}
		for _, r := range res.Replies {
			out.WriteString(render(r))
		}
		for _, a := range res.Actions {
			out.WriteString("= " + renderAction(a) + "\n")
		}
		if len(res.Replies) > 0 {
			prev, last = last, res.Replies
		}
		now = now.Add(time.Minute)
	}
	return out.String()
}

func special(text string, in *Input, last, prev []Reply, now *time.Time) error {
	if !strings.HasPrefix(text, "[") {
		return nil
	}
	cmd, arg, _ := strings.Cut(strings.Trim(text, "[]"), " ")
	switch cmd {
	case "press", "press-old":
		from := last
		if cmd == "press-old" {
			from = prev
		}
		n, err := strconv.Atoi(arg)
		if err != nil {
			return err
		}
		for i := len(from) - 1; i >= 0; i-- {
			if len(from[i].Choices) >= n {
				in.Choice = from[i].Step + "|" + from[i].Choices[n-1].Value
				return nil
			}
		}
		return fmt.Errorf("no button %d to press", n)
	case "photo":
		in.Photos = []Photo{{Ref: fmt.Sprintf("photo%d.jpg", now.Unix()%1000), ContentType: "image/jpeg"}}
	case "album":
		n, err := strconv.Atoi(arg)
		if err != nil {
			return err
		}
		for i := range n {
			in.Photos = append(in.Photos, Photo{Ref: fmt.Sprintf("album%d-%d.jpg", now.Unix()%1000, i), ContentType: "image/jpeg"})
		}
	case "nearby":
		number, intro, _ := strings.Cut(arg, " ")
		if number == "-" {
			number = ""
		}
		in.Start, in.Pending, in.Intro = "complaint/nearby", number, intro
	case "location":
		// Not ParseLatLon: a channel can deliver a pin it would refuse.
		latS, lonS, ok := strings.Cut(arg, ",")
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(latS), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(lonS), 64)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("location %q: want LAT,LON", arg)
		}
		in.Location = &Location{Lat: lat, Lon: lon}
	case "contact":
		in.Contact = &Contact{Name: "Siti", Phone: arg, Own: true}
	case "voice":
		in.Unsupported = "voice"
	case "unsupported":
		in.Unsupported = arg
	case "wait":
		d, err := time.ParseDuration(arg)
		if err != nil {
			return err
		}
		*now = now.Add(d)
	case "start":
		flow, number, _ := strings.Cut(arg, " ")
		in.Start, in.Pending = flow, number
		in.Intro = "(admin) report " + number + " was resolved"
	default:
		return fmt.Errorf("unknown special input %q", cmd)
	}
	return nil
}

func render(r Reply) string {
	var b strings.Builder
	for _, l := range strings.Split(r.Text, "\n") {
		b.WriteString("< " + l + "\n")
	}
	n := 0
	for _, c := range r.Choices {
		if c.URL != "" {
			continue
		}
		n++
		fmt.Fprintf(&b, "<   %d. %s\n", n, c.Label)
	}
	for _, c := range r.Choices {
		if c.URL != "" {
			fmt.Fprintf(&b, "<   [link %s -> %s]\n", c.Label, c.URL)
		}
	}
	if r.Ask != "" {
		b.WriteString("<   [asks for " + r.Ask + "]\n")
	}
	return b.String()
}

func renderAction(a Action) string {
	var parts []string
	if a.Tracking != "" {
		parts = append(parts, "tracking="+a.Tracking)
	}
	for _, m := range []map[string]string{a.Fields, a.Args} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sortStrings(keys)
		for _, k := range keys {
			parts = append(parts, k+"="+strconv.Quote(m[k]))
		}
	}
	if len(a.Photos) > 0 {
		parts = append(parts, fmt.Sprintf("photos=%d", len(a.Photos)))
	}
	return "action " + a.Kind + " " + strings.Join(parts, " ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// diffLines shows the first differing lines with a little context.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want: %q\n  got: %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}
