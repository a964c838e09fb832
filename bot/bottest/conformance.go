// Package bottest holds what the channel adapters' tests share: a
// conformance table that every adapter (telegram, whatsapp, terminal) passes,
// and a log buffer for checking that nothing personal reaches the logs.
package bottest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// ActKind is something a citizen does in a chat.
type ActKind string

// The acts of the conformance table.
const (
	ActText     ActKind = "text"     // type Text
	ActPress    ActKind = "press"    // pick choice Press of Question, the platform's way
	ActLocation ActKind = "location" // share a location (Lat, Lon)
	ActPhoto    ActKind = "photo"    // send the image Photo
	ActContact  ActKind = "contact"  // share their own contact card (Phone)
	ActVoice    ActKind = "voice"    // send a voice note
)

// Act is one thing a citizen does.
type Act struct {
	Kind     ActKind
	Text     string
	Question bot.Outbound
	Press    int
	Lat, Lon float64
	Photo    []byte
	Phone    string
}

// Shown is what a citizen sees of an outbound message.
type Shown struct {
	Text    string   // everything written, in order
	Choices []string // the choices' labels, in order
}

// Driver drives one adapter the way its platform would.
type Driver interface {
	// Do makes the citizen perform act and returns the bot.Inbound the
	// adapter handed to its handler. ok is false when the platform has no way
	// to express the act (the terminal cannot send a voice note).
	Do(t *testing.T, act Act) (in bot.Inbound, ok bool)
	// Show sends msg through the adapter and returns what the citizen sees.
	Show(t *testing.T, msg bot.Outbound) Shown
}

// Conformance runs the table every channel adapter must pass. What matters is
// what the conversation engine understands of each converted message, so
// every case runs the adapter's bot.Inbound through the real engine at the
// step where a citizen would do that act.
func Conformance(t *testing.T, channel string, newDriver func(t *testing.T) Driver) {
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.NewEngine(set, flows.Config{})
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	// at walks the complaint flow with typed answers up to a step.
	at := func(t *testing.T, step string) (flows.Session, flows.Result) {
		t.Helper()
		answers := []string{"lapor", "1", "Jalan berlubang besar", "Lubang besar di depan sekolah, sudah dua minggu.",
			"kemarin", "Jl. Raya Candi 5", "candi", "lewati", "rahasia", "lewati"}
		var s flows.Session
		var r flows.Result
		for _, a := range answers {
			if s.Step == step {
				return s, r
			}
			r = engine.Step(s, flows.Input{Text: a, Now: now})
			s = r.Session
		}
		if s.Step != step {
			t.Fatalf("could not walk to step %q (at %q)", step, s.Step)
		}
		return s, r
	}
	question := func(r flows.Result) bot.Outbound {
		q := r.Replies[len(r.Replies)-1]
		return bot.Outbound{ID: "1700000000000-0", Channel: channel, ChatID: "", Lang: "id", Text: q.Text,
			Choices: q.Choices, Ask: q.Ask, Step: q.Step}
	}
	tests := []struct {
		name  string
		step  string
		act   func(r flows.Result) Act
		check func(t *testing.T, before, after flows.Session)
	}{
		{"typed text is the answer, byte-exact", "title",
			func(flows.Result) Act { return Act{Kind: ActText, Text: "Jalan berlubang *besar* di Waru 👷"} },
			func(t *testing.T, _, s flows.Session) {
				if s.Fields["title"] != "Jalan berlubang *besar* di Waru 👷" || s.Step != "description" {
					t.Errorf("title = %q at %q", s.Fields["title"], s.Step)
				}
			}},
		{"a picked choice chooses that option", "category",
			func(r flows.Result) Act { return Act{Kind: ActPress, Question: question(r), Press: 1} },
			func(t *testing.T, _, s flows.Session) {
				if s.Fields["category"] != "banjir" {
					t.Errorf("category = %q, want the second option (banjir)", s.Fields["category"])
				}
			}},
		{"a shared location fills the location", "location",
			func(flows.Result) Act { return Act{Kind: ActLocation, Lat: -7.4478, Lon: 112.7183} },
			func(t *testing.T, _, s flows.Session) {
				if s.Fields["lat"] != "-7.447800" || s.Fields["lon"] != "112.718300" {
					t.Errorf("location = %q,%q", s.Fields["lat"], s.Fields["lon"])
				}
			}},
		{"a photo is stored and counted", "photos",
			func(flows.Result) Act { return Act{Kind: ActPhoto, Photo: PNG(t)} },
			func(t *testing.T, _, s flows.Session) {
				if n := len(strings.Fields(s.Fields["photos"])); n != 1 {
					t.Errorf("photos = %d, want 1", n)
				}
			}},
		{"a shared contact fills the phone", "phone",
			func(flows.Result) Act { return Act{Kind: ActContact, Phone: "+62 812-3456-7890"} },
			func(t *testing.T, _, s flows.Session) {
				if s.Fields["phone"] != "+6281234567890" {
					t.Errorf("phone = %q", s.Fields["phone"])
				}
			}},
		{"a voice note is re-asked, nothing advances", "title",
			func(flows.Result) Act { return Act{Kind: ActVoice} },
			func(t *testing.T, before, s flows.Session) {
				if s.Step != before.Step || s.Fields["title"] != "" {
					t.Errorf("voice note changed the draft: step %q title %q", s.Step, s.Fields["title"])
				}
			}},
	}
	d := newDriver(t)
	ids := map[string]bool{}
	chat := ""
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, r := at(t, tt.step)
			in, ok := d.Do(t, tt.act(r))
			if !ok {
				t.Skipf("%s cannot express this act", channel)
			}
			if in.Channel != channel || in.ChatID == "" || in.MessageID == "" || ids[in.MessageID] {
				t.Errorf("envelope: channel %q chat %q message id %q (unique ids so far: %d)", in.Channel, in.ChatID, in.MessageID, len(ids))
			}
			if chat != "" && in.ChatID != chat {
				t.Errorf("one citizen, two chat ids: %q and %q", chat, in.ChatID)
			}
			chat = in.ChatID
			ids[in.MessageID] = true
			input := in.Input()
			input.Now = now
			tt.check(t, before, engine.Step(before, input).Session)
		})
	}
	t.Run("a question is shown with its text and every choice in order", func(t *testing.T) {
		msg := bot.Outbound{ID: "1700000000001-0", Channel: channel, ChatID: chat, Lang: "id", Step: "complaint/identity",
			Text:    "Bagaimana identitas Anda ditampilkan?\n• Anonim: nama disembunyikan 🙏",
			Choices: []flows.Choice{{Value: "public", Label: "Biasa"}, {Value: "anonim", Label: "Anonim"}, {Value: "rahasia", Label: "Rahasia"}}}
		got := d.Show(t, msg)
		for _, part := range []string{"Bagaimana identitas Anda ditampilkan?", "nama disembunyikan 🙏"} {
			if !strings.Contains(got.Text, part) {
				t.Errorf("shown text %q lacks %q", got.Text, part)
			}
		}
		if strings.Join(got.Choices, "|") != "Biasa|Anonim|Rahasia" {
			t.Errorf("shown choices = %q", got.Choices)
		}
	})
}

// PNG is a small valid image for photo acts.
func PNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
