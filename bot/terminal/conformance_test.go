package terminal

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
)

// terminalDriver types lines the way a person at the terminal would: a menu
// number for a choice, coordinates for a location, a file path for a photo.
type terminalDriver struct {
	a   *Adapter
	rec *recorder
	dir string
	out *bytes.Buffer
}

func (d *terminalDriver) Do(t *testing.T, act bottest.Act) (bot.Inbound, bool) {
	var line string
	switch act.Kind {
	case bottest.ActText:
		line = act.Text
	case bottest.ActPress:
		line = fmt.Sprint(act.Press + 1)
	case bottest.ActLocation:
		line = fmt.Sprintf("%f, %f", act.Lat, act.Lon)
	case bottest.ActPhoto:
		path := filepath.Join(d.dir, fmt.Sprintf("foto%d.png", time.Now().UnixNano()))
		if err := os.WriteFile(path, act.Photo, 0o644); err != nil {
			t.Fatal(err)
		}
		line = path
	case bottest.ActContact:
		line = act.Phone
	default:
		return bot.Inbound{}, false // a terminal has no voice notes
	}
	n := len(d.rec.msgs)
	if err := d.a.Run(context.Background(), strings.NewReader(line+"\n"), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if len(d.rec.msgs) != n+1 {
		t.Fatalf("line %q gave %d messages", line, len(d.rec.msgs)-n)
	}
	return d.rec.msgs[n], true
}

var menuLine = regexp.MustCompile(`^\s+\d+\. (.*)$`)

func (d *terminalDriver) Show(t *testing.T, msg bot.Outbound) bottest.Shown {
	d.out.Reset()
	msg.ChatID = "me"
	if err := d.a.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	var shown bottest.Shown
	for _, l := range strings.Split(strings.TrimRight(d.out.String(), "\n"), "\n") {
		if m := menuLine.FindStringSubmatch(l); m != nil {
			shown.Choices = append(shown.Choices, m[1])
			continue
		}
		shown.Text += strings.TrimSpace(strings.TrimPrefix(l, "bot>")) + "\n"
	}
	return shown
}

func TestConformance(t *testing.T) {
	bottest.Conformance(t, bot.ChannelTerminal, func(t *testing.T) bottest.Driver {
		dir := t.TempDir()
		media, err := bot.NewDirMediaStore(filepath.Join(dir, "media"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		rec, out := &recorder{}, &bytes.Buffer{}
		return &terminalDriver{a: New(rec, media, "me", "id", out), rec: rec, dir: dir, out: out}
	})
}
