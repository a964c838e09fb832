package flows

import (
	"strings"
	"testing"
	"time"
)

// Whatever a citizen sends that a question cannot use is explained, the
// question is asked again, and nothing is stored: a pin is not "too short",
// "tambah info" is not a title.
func TestUnusableInputIsExplained(t *testing.T) {
	e := newTestEngine(t)
	toTitle := []string{"lapor", "1"}
	toPhone := []string{"lapor", "1", "Judul yang cukup", "Uraian yang cukup panjang, sudah dua minggu.", "lewati", "kemarin",
		"candi", "lewati", "rahasia", "lewati"}
	pinIn := Input{Location: &Location{Lat: -7.44, Lon: 112.71}}
	contactIn := Input{Contact: &Contact{Phone: "081234567890"}}
	photoIn := Input{Photos: []Photo{{Ref: "p.jpg"}}}
	tests := []struct {
		name  string
		path  []string
		start string // a flow started from outside instead of path
		in    Input
		step  string
		said  string
	}{
		{"pin at a choice, location ahead", []string{"lapor"}, "", pinIn, "category", "ada pertanyaan tentang lokasi sesudah ini"},
		{"photo at a text step, photos ahead", toTitle, "", photoIn, "title", "ada langkah untuk foto sesudah ini"},
		{"contact at a text step, phone ahead", toTitle, "", contactIn, "title", "ada pertanyaan tentang nomor HP sesudah ini"},
		{"pin at the phone step, location passed", toPhone, "", pinIn, "phone", "Lokasi tidak bisa dipakai"},
		{"photo at the phone step, photos passed", toPhone, "", photoIn, "phone", "Foto tidak bisa dipakai"},
		{"photo in an answer: the step's own text", nil, "answer", photoIn, "text", "tambah info SDA-AAAAAA"},
		{"contact in an answer", nil, "answer", contactIn, "text", "Kontak tidak bisa dipakai"},
		{"photo with a caption: the caption answers", toTitle, "", Input{Text: "Jalan berlubang besar", Photos: photoIn.Photos}, "description", ""},
		{"tambah info alone at a text step", toTitle, "", Input{Text: "tambah info"}, "title", "ketik *tambah info* dan nomornya"},
		{"tambah info alone in an add-info", []string{"tambah info SDA-AAAAAA"}, "", Input{Text: "tambah info"}, "info", "ketik *tambah info* dan nomornya"},
		{"status alone in a flow", toTitle, "", Input{Text: "status"}, "title", "ketik *status* dan nomornya"},
		{"photo at idle", []string{"halo"}, "", photoIn, "", "dikirim sebagai bagian dari laporan"},
		{"voice at idle", []string{"halo"}, "", Input{Unsupported: "voice"}, "", "pesan suara belum bisa"},
		{"sticker at idle", []string{"halo"}, "", Input{Unsupported: "sticker"}, "", "hanya bisa membaca teks"},
		{"photo too large at idle", []string{"halo"}, "", Input{Unsupported: "photo_too_large"}, "", "foto itu terlalu besar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Session
			if tt.start != "" {
				s = e.Step(Session{}, Input{Start: tt.start, Pending: "SDA-AAAAAA", Now: t0}).Session
			} else {
				s = walk(e, Session{}, tt.path...).Session
			}
			before := len(s.Fields)
			in := tt.in
			in.Now = t0.Add(time.Minute)
			r := e.Step(s, in)
			if r.Session.Step != tt.step {
				t.Fatalf("at %q, want %q", r.Session.Step, tt.step)
			}
			var said []string
			for _, rep := range r.Replies {
				said = append(said, rep.Text)
			}
			if !strings.Contains(strings.Join(said, "\n"), tt.said) {
				t.Errorf("replies %q do not contain %q", said, tt.said)
			}
			if tt.said != "" && (len(r.Session.Fields) != before || len(r.Actions) != 0) {
				t.Errorf("something was stored: fields %v actions %v", r.Session.Fields, r.Actions)
			}
		})
	}
}
