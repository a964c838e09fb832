package whatsapp

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
)

// whatsappDriver acts as WhatsApp would: events dispatched through the
// client's handler, a menu answered by typing its number, a photo downloaded
// from the fake's media.
type whatsappDriver struct {
	e   *env
	seq int
}

func (d *whatsappDriver) Do(t *testing.T, act bottest.Act) (bot.Inbound, bool) {
	d.seq++
	id := fmt.Sprintf("3EB0C0%04d", d.seq)
	var m *waE2E.Message
	switch act.Kind {
	case bottest.ActText:
		m = &waE2E.Message{Conversation: proto.String(act.Text)}
	case bottest.ActPress:
		q := act.Question
		q.ChatID = testPN.String()
		shown := d.Show(t, q)
		if len(shown.Choices) <= act.Press {
			t.Fatalf("the question was shown with %d choices", len(shown.Choices))
		}
		m = &waE2E.Message{Conversation: proto.String(fmt.Sprint(act.Press + 1))} // "Balas dengan angka"
	case bottest.ActLocation:
		m = &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(act.Lat), DegreesLongitude: proto.Float64(act.Lon)}}
	case bottest.ActPhoto:
		path := "/v/conformance" + id
		d.e.fake.Media[path] = act.Photo
		m = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String(path), Mimetype: proto.String("image/png"),
			FileLength: proto.Uint64(uint64(len(act.Photo)))}}
	case bottest.ActContact:
		vcard := "BEGIN:VCARD\nVERSION:3.0\nFN:Warga\nTEL;type=CELL;waid=6281234567890:" + act.Phone + "\nEND:VCARD"
		m = &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Warga"), Vcard: proto.String(vcard)}}
	case bottest.ActVoice:
		m = &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Seconds: proto.Uint32(3)}}
	default:
		return bot.Inbound{}, false
	}
	n := len(d.e.h.inbound())
	if ok := d.e.fake.Dispatch(whatsapptest.Message(testPN, id, m)); !ok {
		t.Fatalf("handler reported failure for %s", act.Kind)
	}
	ins := d.e.h.inbound()
	if len(ins) != n+1 {
		t.Fatalf("%s gave %d messages", act.Kind, len(ins)-n)
	}
	return ins[n], true
}

var numbered = regexp.MustCompile(`^(\d+)\. (.*)$`)

func (d *whatsappDriver) Show(t *testing.T, msg bot.Outbound) bottest.Shown {
	msg.ChatID = testPN.String()
	ctx := context.Background()
	if err := d.e.rdb.Set(ctx, knownKey(d.e.keys, msg.ChatID), "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	before := len(d.e.fake.Sent())
	if err := d.e.a.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	var shown bottest.Shown
	for _, s := range d.e.fake.Sent()[before:] {
		for _, l := range strings.Split(s.Text(), "\n") {
			if m := numbered.FindStringSubmatch(l); m != nil {
				shown.Choices = append(shown.Choices, m[2])
				continue
			}
			shown.Text += l + "\n"
		}
	}
	return shown
}

func TestConformance(t *testing.T) {
	bottest.Conformance(t, bot.ChannelWhatsApp, func(t *testing.T) bottest.Driver {
		e := newEnv(t)
		if err := e.fake.Connect(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "connected", func() bool { return e.a.Health().State == StateConnected })
		return &whatsappDriver{e: e}
	})
}
