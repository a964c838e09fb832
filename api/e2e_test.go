package api_test

import (
	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"

	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

// chatHarness drives one citizen through the real dispatcher (flows engine,
// atomic commit), the real action worker calling the api.Service, the built-in
// forwarder and the signed webhook; what the citizen "sees" is read from the
// outbound stream of their shard.
type chatHarness struct {
	t       *testing.T
	rdb     redis.UniversalClient
	keys    bot.Keys
	disp    *bot.Dispatcher
	svc     *api.Service
	ec      *echo.Echo
	channel string
	chat    string
	seq     int
	read    int // outbound messages already shown
	last    bot.Outbound
}

func newChatHarness(t *testing.T, dialect string) *chatHarness {
	return newChatHarnessOn(t, sqlstoretest.Open(t, dialect))
}

func newChatHarnessOn(t *testing.T, store api.ReportStore) *chatHarness {
	rdb, prefix := redistest.Client(t)
	keys := bot.NewKeys(prefix, 4)
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	logs := &bottest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	disp := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{}), bot.WithLogger(log))
	citizens := struct {
		*bot.QueueNotifier
		*bot.Dispatcher
	}{bot.NewNotifier(rdb, keys), disp}
	svc := api.NewService(store, rdb, prefix, set.Catalog(), citizens, set, log,
		api.WithTrackingKeys(keys))
	h := &chatHarness{t: t, rdb: rdb, keys: keys, disp: disp, svc: svc, ec: echo.New(), channel: bot.ChannelTerminal,
		chat: "c-e2e-1"}
	api.RegisterWebhooks(h.ec, svc, testSecret)
	worker := bot.NewActionWorker(rdb, keys, svc, bot.ActionConfig{Block: 50 * time.Millisecond,
		BackoffBase: 20 * time.Millisecond, BackoffMax: 100 * time.Millisecond}, log)
	run(t, worker.Run)
	run(t, api.NewRelay(svc).Run)
	run(t, quick(api.NewForwarder(svc, fast(api.Config{}))).Run)
	t.Cleanup(func() {
		for _, pii := range []string{"Siti", "0812", "c-e2e-1", "Lubang"} {
			if strings.Contains(logs.String(), pii) {
				t.Errorf("logs contain %q", pii)
			}
		}
	})
	return h
}

func (h *chatHarness) ctx() context.Context { return ctxT(h.t) }

// say sends a typed message; press presses button n (1-based) of the last
// question.
func (h *chatHarness) say(text string) { h.send(bot.Inbound{Text: text}) }

func (h *chatHarness) press(n int) {
	h.t.Helper()
	if n > len(h.last.Choices) {
		h.t.Fatalf("no button %d in %q", n, h.last.Text)
	}
	h.send(bot.Inbound{Choice: h.last.Step + "|" + h.last.Choices[n-1].Value})
}

func (h *chatHarness) send(in bot.Inbound) {
	h.t.Helper()
	h.seq++
	in.Channel, in.ChatID, in.UserID, in.Lang = h.channel, h.chat, h.chat, "id"
	in.MessageID = "m" + strconv.Itoa(h.seq)
	if _, err := h.disp.Handle(h.ctx(), in); err != nil {
		h.t.Fatal(err)
	}
}

// outbound is everything queued for the citizen so far, in order.
func (h *chatHarness) outbound() []bot.Outbound {
	h.t.Helper()
	xs, err := h.rdb.XRange(h.ctx(), h.keys.Outbound(h.keys.Shard(h.channel, h.chat)), "-", "+").Result()
	if err != nil {
		h.t.Fatal(err)
	}
	var out []bot.Outbound
	for _, x := range xs {
		m, err := bot.DecodeOutbound(x)
		if err != nil {
			h.t.Fatal(err)
		}
		if m.ChatID == h.chat {
			out = append(out, m)
		}
	}
	return out
}

// sees waits until the citizen got a new message containing want, and
// returns the new messages (also remembering the last question).
func (h *chatHarness) sees(want string) string {
	h.t.Helper()
	var got string
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs := h.outbound()
		var b strings.Builder
		for _, m := range msgs[h.read:] {
			b.WriteString(m.Text + "\n")
		}
		got = b.String()
		if strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
			h.read = len(msgs)
			h.last = msgs[len(msgs)-1]
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("citizen never saw %q; new messages:\n%s", want, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *chatHarness) report(number string) *api.Report {
	r, err := h.svc.Get(h.ctx(), number)
	if err != nil {
		return &api.Report{}
	}
	return r
}

// The whole life of a report, as the citizen lives it.
func TestTranscriptSubmitToRating(t *testing.T) { forEachDialect(t, testTranscriptSubmitToRating) }

func testTranscriptSubmitToRating(t *testing.T, dialect string) {
	h := newChatHarness(t, dialect)
	h.say("halo")
	h.sees("Apa yang ingin Anda lakukan?")
	h.press(1) // new report
	h.sees("Pilih kategori")
	h.press(1) // jalan
	h.sees("judul")
	h.say("Lubang di Jl. Pahlawan")
	h.sees("Ceritakan masalahnya")
	h.say("Lubang besar di depan pasar, sudah dua minggu dan membahayakan pengendara motor.")
	h.sees("Kapan kejadiannya")
	h.say("kemarin")
	h.sees("Di mana")
	h.say("Jl. Pahlawan 10 depan pasar")
	h.sees("kecamatan")
	h.press(11) // Sidoarjo
	h.sees("foto")
	h.press(1) // skip photos
	h.sees("identitas")
	h.press(2) // anonim
	h.sees("nama")
	h.say("Siti")
	h.sees("nomor")
	h.press(1) // skip phone
	h.sees("Kirim")
	h.press(1) // send
	got := h.sees("SDA-")
	number := regexp.MustCompile(`SDA-[A-Z0-9]{6}`).FindString(got)
	if number == "" {
		t.Fatalf("no tracking number in %q", got)
	}

	// Forwarded (built-in): the citizen is told once.
	h.sees("sudah diterima oleh instansi terkait (Dinas Pekerjaan Umum")
	r := h.report(number)
	if r.Identity != api.IdentityAnonim || r.Location.Kecamatan == "" || r.IncidentDate == "" || !r.Forwarded() {
		t.Fatalf("report %+v", r)
	}

	// An external back office replies through the signed webhook.
	body := `{"event_id":"bo-1","type":"reply","tracking_number":"` + number + `","text":"Tim kami survei besok pagi."}`
	if rec := signedPost(h.ec, body, time.Now().Unix(), testSecret); rec.Code != 200 {
		t.Fatalf("webhook %d %s", rec.Code, rec.Body)
	}
	h.sees("Tim kami survei besok pagi.")

	// Resolved -> "solved?" -> not yet -> reopened.
	if err := h.svc.ChangeStatus(h.ctx(), number, "admin1", api.StatusResolved, "Sudah ditambal", ""); err != nil {
		t.Fatal(err)
	}
	h.sees("Sudah ditambal")
	h.press(2) // belum
	h.sees("Apa yang masih belum teratasi")
	h.say("Cuma ditutup tanah, sekarang berlubang lagi.")
	h.sees("buka kembali")
	eventually(t, "reopened", func() bool { return h.report(number).Status == api.StatusInProgress })

	// Resolved again -> solved -> rating 5 with a comment.
	if err := h.svc.ChangeStatus(h.ctx(), number, "admin1", api.StatusResolved, "Sudah diaspal", ""); err != nil {
		t.Fatal(err)
	}
	h.sees("Sudah diaspal")
	h.press(1) // ya
	h.sees("Beri nilai")
	h.press(5)
	h.sees("komentar")
	h.say("Cepat, terima kasih.")
	h.sees("Terima kasih atas penilaian")
	eventually(t, "rated", func() bool { return h.report(number).Rating == 5 })

	r = h.report(number)
	var kinds []string
	for _, e := range r.Timeline {
		kinds = append(kinds, string(e.Kind))
	}
	want := "created,forwarded,admin_reply,status_change,reopen,status_change,rating"
	if strings.Join(kinds, ",") != want {
		t.Fatalf("timeline %v, want %s", kinds, want)
	}
	if r.RatingComment != "Cepat, terima kasih." || r.Contact.Name != "Siti" {
		t.Fatalf("rating comment %q, name kept internally %q", r.RatingComment, r.Contact.Name)
	}
	// Exactly one "reached the agency" notice in the whole conversation.
	n := 0
	for _, m := range h.outbound() {
		n += strings.Count(m.Text, "sudah diterima oleh instansi")
	}
	if n != 1 {
		t.Fatalf("%d forwarded notices", n)
	}
	if testing.Verbose() {
		for _, m := range h.outbound() {
			t.Logf("< %s", m.Text)
		}
	}
}

// The report database goes away in the middle of a conversation: the
// citizen keeps chatting and gets a tracking number (the conversation needs
// only Redis); the report waits in the action stream and is stored,
// forwarded and confirmed to the citizen once the database is back.
func TestDatabaseDownWhileChatting(t *testing.T) {
	proxy := newDBProxy(t, "")
	dsn := proxy.via(sqlstoretest.DSN(t, "postgres"))
	store, err := sqlstore.Open(ctxT(t), dsn, sqlstore.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := newChatHarnessOn(t, store)
	h.say("halo")
	h.sees("Apa yang ingin Anda lakukan?")
	proxy.setDown(true)
	h.press(1)
	h.sees("Pilih kategori")
	h.press(1)
	h.sees("judul")
	h.say("Lampu jalan mati")
	h.sees("Ceritakan masalahnya")
	h.say("Lampu jalan di depan balai desa mati sejak seminggu, gelap sekali malam hari.")
	h.sees("Seberapa besar") // the roads service's own question (services.yaml attributes)
	h.press(1)
	h.sees("Kapan kejadiannya")
	h.say("kemarin")
	h.sees("Di mana")
	h.say("Jl. Raya Gedangan 5")
	h.sees("kecamatan")
	h.press(4) // Gedangan
	h.sees("foto")
	h.press(1)
	h.sees("identitas")
	h.press(1)
	h.sees("nama")
	h.say("Budi")
	h.sees("nomor")
	h.press(1)
	h.sees("Kirim")
	h.press(1)
	number := regexp.MustCompile(`SDA-[A-Z0-9]{6}`).FindString(h.sees("SDA-"))
	if number == "" {
		t.Fatal("no tracking number while the database is down")
	}
	time.Sleep(500 * time.Millisecond) // the action worker tries, and fails, meanwhile
	if _, err := h.svc.Get(h.ctx(), number); err == nil {
		t.Fatal("the report was stored while the database was down")
	}
	proxy.setDown(false)
	h.sees("sudah diterima oleh instansi terkait")
	r := h.report(number)
	if r.Title != "Lampu jalan mati" || !r.Forwarded() {
		t.Fatalf("report after the outage: %+v", r)
	}
	n := 0
	for _, m := range h.outbound() {
		n += strings.Count(m.Text, "sudah diterima oleh instansi")
	}
	if n != 1 {
		t.Fatalf("%d forwarded notices", n)
	}
}
