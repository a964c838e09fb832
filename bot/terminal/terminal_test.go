package terminal

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// recorder is a bot.Handler that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	msgs []bot.Inbound
}

func (r *recorder) Handle(_ context.Context, in bot.Inbound) (bot.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, in)
	return bot.Outcome{}, nil
}

func TestSendRendersNumberedMenu(t *testing.T) {
	var out bytes.Buffer
	a := New(&recorder{}, nil, "me", "id", &out)
	err := a.Send(context.Background(), bot.Outbound{ChatID: "me", Text: "Pilih:\nsatu baris lagi",
		Choices: []flows.Choice{{Value: "a", Label: "Jalan"}, {Value: "b", Label: "Banjir"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "bot> Pilih:\n     satu baris lagi\n     1. Jalan\n     2. Banjir\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	out.Reset()
	if err := a.Send(context.Background(), bot.Outbound{ChatID: "someone else", Text: "x"}); err != nil || out.Len() != 0 {
		t.Errorf("printed another chat's reply: %q, %v", out.String(), err)
	}
}

func TestLinesBecomeMessages(t *testing.T) {
	dir := t.TempDir()
	media, err := bot.NewDirMediaStore(filepath.Join(dir, "media"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "foto.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), 0o644)
	txt := filepath.Join(dir, "surat.txt")
	os.WriteFile(txt, []byte("bukan gambar"), 0o644)

	rec := &recorder{}
	var out bytes.Buffer
	a := New(rec, media, "me", "en", &out)
	input := strings.Join([]string{"halo", "", "  ", png, txt, "/tidak/ada.jpg", "-7.45, 112.71\r"}, "\n")
	if err := a.Run(context.Background(), strings.NewReader(input), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text, unsupported string
		photos            int
	}{
		{text: "halo"},
		{photos: 1},              // an image file: a photo
		{unsupported: "file"},    // not an image: a polite re-ask
		{text: "/tidak/ada.jpg"}, // no such file: the text as typed
		{text: "-7.45, 112.71"},  // CR of a CRLF line dropped
	}
	if len(rec.msgs) != len(tests) {
		t.Fatalf("%d messages, want %d (blank lines skipped): %+v", len(rec.msgs), len(tests), rec.msgs)
	}
	ids := map[string]bool{}
	for i, tt := range tests {
		m := rec.msgs[i]
		if m.Text != tt.text || m.Unsupported != tt.unsupported || len(m.Photos) != tt.photos {
			t.Errorf("message %d = text %q unsupported %q photos %d; want %+v", i, m.Text, m.Unsupported, len(m.Photos), tt)
		}
		if m.Channel != bot.ChannelTerminal || m.ChatID != "me" || m.Lang != "en" || ids[m.MessageID] {
			t.Errorf("message %d has bad envelope: %+v", i, m)
		}
		ids[m.MessageID] = true
	}
}
