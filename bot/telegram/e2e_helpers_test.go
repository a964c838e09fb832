package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
	"github.com/aduan-id/aduan/flows"
)

const secret = "e2e_Secret-token"

// world is the whole telegram side of Aduan: real Redis, the lead's real
// dispatcher and flows, the adapter, and a fake Bot API.
type world struct {
	t       testing.TB
	rdb     redis.UniversalClient
	keys    bot.Keys
	disp    *bot.Dispatcher
	a       *telegram.Adapter
	tg      *telegramtest.Server
	webhook *httptest.Server // echo with the adapter's route; nil when polling
	pump    *pump
	photo   []byte
	// newAdapter builds another adapter like a (another process of Aduan on
	// the same Redis and Bot API).
	newAdapter func() *telegram.Adapter
}

// worldOptions choose how updates come in and replies go out.
type worldOptions struct {
	polling bool
	// sender: deliver replies with the real bot.ReplySender (with limits;
	// nil limits = unlimited) instead of the test pump.
	sender bool
	limits map[string]bot.Limit
	// noReplies: nothing delivers replies (benchmarks of the inbound path).
	noReplies bool
	// manualPolling: polling mode, but the test runs RunPolling itself.
	manualPolling bool
}

func newWorld(t testing.TB, polling bool) *world {
	t.Helper()
	return newWorldWith(t, worldOptions{polling: polling})
}

func newWorldWith(t testing.TB, opt worldOptions) *world {
	t.Helper()
	polling := opt.polling || opt.manualPolling
	rdb, prefix := redistest.Client(t)
	keys := bot.NewKeys(prefix, 8)
	set, err := flows.Load("")
	if err != nil {
		t.Fatalf("flows: %v", err)
	}
	disp := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{}))
	store, err := bot.NewDirMediaStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	fake := telegramtest.New(t)
	cfg := telegram.Config{Token: fake.Token, APIURL: fake.URL, WebhookSecret: secret}
	if !polling {
		cfg.PublicURL = "https://aduan.example.go.id"
	}
	logs := &bottest.LogBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		// no citizen text, chat id, file link or token in the logs
		for _, secret := range []string{"Jalan berlubang", "Lubang besar", "lapor", "501234567", fake.Token, "/file/bot"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
	newAdapter := func() *telegram.Adapter {
		a, err := telegram.New(context.Background(), cfg, disp, store, set, log)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := newAdapter()
	w := &world{t: t, rdb: rdb, keys: keys, disp: disp, a: a, newAdapter: newAdapter, tg: fake, photo: jpegBytes(t)}
	fake.AddFile("PHOTO-L", "photos/file_1.jpg", w.photo)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	if err := a.Setup(ctx); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	switch {
	case opt.manualPolling:
	case polling:
		wg.Go(func() { _ = a.RunPolling(ctx) })
	default:
		e := echo.New()
		a.Register(e, "")
		w.webhook = httptest.NewServer(e)
		t.Cleanup(w.webhook.Close)
	}
	if opt.sender {
		limits := opt.limits
		if limits == nil {
			limits = map[string]bot.Limit{} // a channel missing from the map is not limited
		}
		rs := bot.NewReplySender(rdb, keys, map[string]bot.Sender{bot.ChannelTelegram: a},
			bot.SenderConfig{Limits: limits, Block: 50 * time.Millisecond, BackoffBase: 100 * time.Millisecond}, log)
		wg.Go(func() { _ = rs.Run(ctx) })
	} else if !opt.noReplies {
		w.pump = startPump(ctx, t, &wg, rdb, keys, a)
	}
	return w
}

func jpegBytes(t testing.TB) []byte {
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

// post delivers an update through the webhook and returns the status.
func (w *world) post(raw []byte) int {
	req, err := http.NewRequest(http.MethodPost, w.webhook.URL+telegram.DefaultWebhookPath, bytes.NewReader(raw))
	if err != nil {
		w.t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegram.SecretHeader, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Errorf("webhook: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// deliver hands an update to the adapter (webhook, or queued for polling)
// and returns once it is committed and its replies were sent.
func (w *world) deliver(chatID int64, raw []byte) {
	w.t.Helper()
	if w.webhook != nil {
		if code := w.post(raw); code != http.StatusOK {
			w.t.Errorf("webhook status %d", code)
		}
	} else {
		var u struct {
			ID int64 `json:"update_id"`
		}
		_ = json.Unmarshal(raw, &u)
		w.tg.PushUpdate(raw)
		deadline := time.Now().Add(20 * time.Second)
		for w.tg.Confirmed() <= u.ID {
			if time.Now().After(deadline) {
				w.t.Errorf("update %d not confirmed", u.ID)
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	w.waitSent(w.keys.Shard(bot.ChannelTelegram, strconv.FormatInt(chatID, 10)))
}

// waitSent waits until the replies now in a shard's stream were sent.
func (w *world) waitSent(shard int) {
	w.t.Helper()
	if w.pump != nil {
		w.pump.drainShard(w.t, shard)
		return
	}
	ctx := context.Background()
	xs, err := w.rdb.XRevRangeN(ctx, w.keys.Outbound(shard), "+", "-", 1).Result()
	if err != nil || len(xs) == 0 {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		groups, err := w.rdb.XInfoGroups(ctx, w.keys.Outbound(shard)).Result()
		if err == nil {
			for _, g := range groups {
				if g.Name == bot.GroupSenders && !idLess(g.LastDeliveredID, xs[0].ID) && g.Pending == 0 {
					return
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.t.Errorf("replies of shard %d not sent", shard)
}

// pump delivers replies: it reads every shard's outbound stream in order and
// calls Adapter.Send (the reply sender's job, without its rate limits).
type pump struct {
	rdb  redis.UniversalClient
	keys bot.Keys
	mu   sync.Mutex
	last []string // per shard: id of the last entry sent
	sent atomic.Int64
}

func startPump(ctx context.Context, t testing.TB, wg *sync.WaitGroup, rdb redis.UniversalClient, keys bot.Keys, a *telegram.Adapter) *pump {
	p := &pump{rdb: rdb, keys: keys, last: make([]string, keys.Shards)}
	for shard := range keys.Shards {
		wg.Go(func() {
			from := "-"
			for ctx.Err() == nil {
				xs, err := rdb.XRange(ctx, keys.Outbound(shard), from, "+").Result()
				if err != nil || len(xs) == 0 {
					time.Sleep(2 * time.Millisecond)
					continue
				}
				for _, x := range xs {
					msg, err := bot.DecodeOutbound(x)
					if err != nil {
						t.Errorf("outbound entry: %v", err)
					} else if msg.Channel == bot.ChannelTelegram {
						if err := a.Send(ctx, msg); err != nil && ctx.Err() == nil {
							t.Errorf("send: %v", err)
						}
						p.sent.Add(1)
					}
					p.mu.Lock()
					p.last[shard] = x.ID
					p.mu.Unlock()
					from = "(" + x.ID
				}
			}
		})
	}
	return p
}

// drainShard waits until everything now in the shard's stream was sent.
func (p *pump) drainShard(t testing.TB, shard int) {
	t.Helper()
	xs, err := p.rdb.XRevRangeN(context.Background(), p.keys.Outbound(shard), "+", "-", 1).Result()
	if err != nil {
		t.Errorf("outbound stream: %v", err)
		return
	}
	if len(xs) == 0 {
		return
	}
	want := xs[0].ID
	deadline := time.Now().Add(20 * time.Second)
	for {
		p.mu.Lock()
		done := !idLess(p.last[shard], want)
		p.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("replies of shard %d not sent", shard)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// idLess compares stream ids "ms-seq".
func idLess(a, b string) bool {
	if a == "" {
		return true
	}
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	ai, _ := strconv.ParseInt(am, 10, 64)
	bi, _ := strconv.ParseInt(bm, 10, 64)
	if ai != bi {
		return ai < bi
	}
	x, _ := strconv.ParseInt(as, 10, 64)
	y, _ := strconv.ParseInt(bs, 10, 64)
	return x < y
}

// citizen is one Telegram user talking to the bot.
type citizen struct {
	w    *world
	id   int64
	chat string
	u    *telegramtest.Updates
}

func (w *world) citizen(id int64, firstUpdate int64) *citizen {
	return &citizen{w: w, id: id, chat: strconv.FormatInt(id, 10), u: telegramtest.NewUpdates(id, "id", firstUpdate)}
}

func (c *citizen) say(text string) { c.w.deliver(c.id, c.u.Text(text)) }

// last is the newest message the bot sent to this citizen.
func (c *citizen) last() telegramtest.Message {
	ms := c.w.tg.Messages(c.chat)
	if len(ms) == 0 {
		return telegramtest.Message{}
	}
	return ms[len(ms)-1]
}

// press presses the button whose callback data starts with prefix on the
// newest message that has buttons. It returns the pressed question.
func (c *citizen) press(prefix string) telegramtest.Message {
	c.w.t.Helper()
	ms := c.w.tg.Messages(c.chat)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, b := range ms[i].Buttons() {
			if strings.HasPrefix(b.CallbackData, prefix) {
				c.w.deliver(c.id, c.u.Callback(ms[i].ID, ms[i].Text, b.CallbackData))
				return ms[i]
			}
		}
		if len(ms[i].Buttons()) > 0 {
			break // only the newest keyboard counts
		}
	}
	c.w.t.Errorf("chat %s: no button %q on the newest keyboard; last message %q", c.chat, prefix, c.last().Text)
	return telegramtest.Message{}
}

// fileComplaint runs a whole complaint and returns the tracking number.
func (c *citizen) fileComplaint() string {
	t := c.w.t
	t.Helper()
	c.toPhotos()
	c.w.deliver(c.id, c.u.Photo("", "PHOTO-S", "PHOTO-L"))
	c.press("complaint/photos|done")
	c.press("complaint/identity|anonim")
	c.press("complaint/name|skip")
	if m := c.last(); !strings.Contains(m.Markup, `"request_contact":true`) || !strings.Contains(m.Markup, `"text":"Lewati"`) {
		t.Errorf("phone question without a contact button and a Lewati button: %s", m.Markup)
	}
	c.say("Lewati") // a text button of the reply keyboard sends its label
	c.press("complaint/summary|send")
	last := c.last().Text
	i := strings.Index(last, "SDA-")
	if i < 0 {
		t.Errorf("chat %s: no tracking number in the last message %q", c.chat, last)
		return ""
	}
	return last[i : i+10]
}

// toPhotos walks a new complaint up to the photos question and returns it.
func (c *citizen) toPhotos() telegramtest.Message {
	t := c.w.t
	t.Helper()
	c.say("/start")
	c.say("lapor")
	q := c.press("complaint/category|")
	if got := c.message(q.ID); !strings.Contains(got.Text, "\n\n✓ ") || len(got.Buttons()) != 0 {
		t.Errorf("answered question not edited: %q %s", got.Text, got.Markup)
	}
	c.say("Jalan berlubang di depan SDN Waru 2")
	c.say("Lubang besar di tengah jalan sejak tiga bulan, motor sering jatuh 🛵.")
	c.say("hari ini")
	if m := c.last(); !strings.Contains(m.Markup, `"request_location":true`) {
		t.Errorf("location question without a location button: %s", m.Markup)
	}
	c.w.deliver(c.id, c.u.Location(-7.3504, 112.7306))
	if strings.Contains(c.last().Markup, "complaint/kecamatan|") {
		c.press("complaint/kecamatan|waru")
	}
	photos := c.last()
	if !strings.Contains(photos.Markup, "complaint/photos|") {
		t.Errorf("chat %s: not at the photos question: %q", c.chat, photos.Text)
	}
	return photos
}

func (c *citizen) message(id int) telegramtest.Message {
	for _, m := range c.w.tg.Messages(c.chat) {
		if m.ID == id {
			return m
		}
	}
	return telegramtest.Message{}
}
