package whatsapp_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/whatsapp"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
	"github.com/aduan-id/aduan/flows"
)

// world is the WhatsApp side of Aduan: real Redis, the real flows and
// dispatcher, the real reply sender, the adapter, and a fake whatsmeow client.
type world struct {
	t    *testing.T
	rdb  redis.UniversalClient
	keys bot.Keys
	a    *whatsapp.Adapter
	fake *whatsapptest.Client
	logs *bottest.LogBuffer
}

func newWorld(t *testing.T, rdb redis.UniversalClient, prefix string) *world {
	t.Helper()
	keys := bot.NewKeys(prefix, 4)
	set, err := flows.Load("")
	if err != nil {
		t.Fatalf("flows: %v", err)
	}
	disp := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{}))
	media, err := bot.NewDirMediaStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bottest.LogBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fake := whatsapptest.NewClient()
	a := whatsapp.New(whatsapp.Config{LeaseTTL: 3 * time.Second, InstanceID: "e2e"}, fake, disp, media, set, log)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { _ = a.Run(ctx, rdb, keys) })
	rs := bot.NewReplySender(rdb, keys, map[string]bot.Sender{bot.ChannelWhatsApp: a},
		bot.SenderConfig{Limits: map[string]bot.Limit{}, Block: 50 * time.Millisecond, BackoffBase: 50 * time.Millisecond, TrimEvery: time.Hour}, log)
	wg.Go(func() { _ = rs.Run(ctx) })
	w := &world{t: t, rdb: rdb, keys: keys, a: a, fake: fake, logs: logs}
	deadline := time.Now().Add(10 * time.Second)
	for !a.Health().OK() {
		if time.Now().After(deadline) {
			t.Fatalf("adapter not connected: %+v", a.Health())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return w
}

type citizen struct {
	w   *world
	jid types.JID
	n   int
}

func (w *world) citizen(number string) *citizen {
	return &citizen{w: w, jid: types.JID{User: number, Server: types.DefaultUserServer, Device: 2}}
}

func (c *citizen) chat() string { return c.jid.ToNonAD().String() }

// send delivers a message like whatsmeow would and waits until every reply
// the dispatcher queued for this chat has been sent.
func (c *citizen) send(m *waE2E.Message) {
	c.w.t.Helper()
	c.n++
	evt := whatsapptest.Message(c.jid, fmt.Sprintf("3EB0%s%04d", c.jid.User[len(c.jid.User)-4:], c.n), m)
	if !c.w.fake.Dispatch(evt) {
		c.w.t.Fatalf("message %d not committed", c.n)
	}
	c.w.settle(c.chat())
}

func (c *citizen) say(text string) {
	c.w.t.Helper()
	c.send(&waE2E.Message{Conversation: proto.String(text)})
}

// texts are the messages sent to the chat.
func (w *world) texts(chat string) []string {
	var out []string
	for _, s := range w.fake.Sent() {
		if s.To.String() == chat {
			out = append(out, s.Text())
		}
	}
	return out
}

func (c *citizen) last() string {
	ts := c.w.texts(c.chat())
	if len(ts) == 0 {
		return ""
	}
	return ts[len(ts)-1]
}

// settle waits until the sent messages of chat match the queued replies.
func (w *world) settle(chat string) {
	w.t.Helper()
	stream := w.keys.Outbound(w.keys.Shard(bot.ChannelWhatsApp, chat))
	deadline := time.Now().Add(15 * time.Second)
	for {
		xs, err := w.rdb.XRange(context.Background(), stream, "-", "+").Result()
		if err != nil {
			w.t.Fatal(err)
		}
		queued := 0
		for _, x := range xs {
			if o, err := bot.DecodeOutbound(x); err == nil && o.ChatID == chat {
				queued++
			}
		}
		if queued > 0 && len(w.texts(chat)) >= queued {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("replies not sent: %d queued, %d sent", queued, len(w.texts(chat)))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// submitted is the last submit action committed for chat.
func (w *world) submitted(chat string) *flows.Action {
	w.t.Helper()
	xs, err := w.rdb.XRange(context.Background(), w.keys.Actions(w.keys.Shard(bot.ChannelWhatsApp, chat)), "-", "+").Result()
	if err != nil {
		w.t.Fatal(err)
	}
	var out *flows.Action
	for _, x := range xs {
		env, err := bot.DecodeAction(x)
		if err != nil {
			w.t.Fatal(err)
		}
		if env.ChatID == chat && env.Action.Kind == flows.ActionSubmit {
			out = &env.Action
		}
	}
	return out
}

func jpegBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, x%24, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A whole complaint over WhatsApp: numbered menus answered with digits,
// number words and option words, a pin, a photo; the last message carries the
// tracking number.
func TestEndToEndComplaint(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	w := newWorld(t, rdb, prefix)
	photo := jpegBytes(t)
	w.fake.Media["/v/photo1"] = photo
	c := w.citizen("6281234567890")

	c.say("halo")
	c.say("lapor")
	if !strings.Contains(c.last(), "\n1. ") || !strings.Contains(c.last(), "Balas dengan angka atau kata pilihan.") {
		t.Fatalf("category question is not a numbered menu:\n%s", c.last())
	}
	c.say("satu")
	c.say("Jalan berlubang di depan SDN Waru 2")
	c.say("Lubang besar di tengah jalan sejak tiga bulan, motor sering jatuh 🛵.")
	c.say("hari ini")
	if !strings.Contains(c.last(), "📎") {
		t.Errorf("location question without the WhatsApp hint:\n%s", c.last())
	}
	c.send(&waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-7.3504), DegreesLongitude: proto.Float64(112.7306)}})
	if strings.Contains(c.last(), "Waru") && strings.Contains(c.last(), "\n1. ") {
		c.say("waru")
	}
	c.send(&waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String("/v/photo1"), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(uint64(len(photo)))}})
	c.say("1")    // 1. Selesai
	c.say("2")    // identity: 2. Anonim
	c.say("satu") // name: 1. Lewati
	c.say("lewati")
	c.say("kirim")
	last := c.last()
	i := strings.Index(last, "SDA-")
	if i < 0 {
		t.Fatalf("no tracking number in the last message:\n%s\n\nconversation:\n%s", last, strings.Join(w.texts(c.chat()), "\n----\n"))
	}
	sub := w.submitted(c.chat())
	if sub == nil || sub.Tracking != last[i:i+10] || sub.Fields["identity"] != "anonim" || len(sub.Photos) != 1 || sub.Fields["kecamatan"] == "" {
		t.Errorf("submitted %+v", sub)
	}
	for _, secret := range []string{"Jalan berlubang", "Lubang besar", "6281234567890"} {
		if strings.Contains(w.logs.String(), secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
	t.Logf("tracking number %s", last[i:i+10])
}

// The flows package loads flows/defaults/whatsapp.yaml with the other
// defaults, and its *flows.Set serves the adapter's texts.
func TestFlowsSetHasTheAdapterTexts(t *testing.T) {
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var texts whatsapp.Texts = set
	for _, k := range whatsapp.MessageKeys() {
		if !set.HasMessage(k) {
			t.Errorf("message %s missing from the loaded flows", k)
			continue
		}
		if id, en := texts.Message("id", k, nil), texts.Message("en", k, nil); id == en || id == "" || en == "" {
			t.Errorf("%s: id %q en %q", k, id, en)
		}
	}
}
