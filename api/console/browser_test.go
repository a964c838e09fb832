package console

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
	"github.com/aduan-id/aduan/flows"
)

// docsShots are the screenshots docs/console.md shows.
var docsShots = map[string]bool{"console-inbox.png": true, "console-report.png": true, "console-dashboard.png": true}

var updateDocs = flag.Bool("update-docs", false, "also write the browser test's screenshots to docs/")

// chromiumPath finds the browser. Without one the test is skipped, except
// under CI=true, where a missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found (apt-get install -y chromium); the browser test must run under CI")
	}
	t.Skip("chromium not found; set CI=true to make this a failure")
	return ""
}

// browserCtx starts a headless chromium with a fresh profile.
func browserCtx(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first run starts the browser; it must not carry a timeout (the
	// timeout would end the browser). Steps get their own timeouts.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// e2eWorld is the console wired like `aduan serve` wires it: the complaint
// service notifies citizens through the outbound streams; the real reply
// sender delivers them through the Telegram adapter to a fake Bot API server.
type e2eWorld struct {
	t      *testing.T
	rdb    redis.UniversalClient
	keys   bot.Keys
	svc    *api.Service
	con    *Console
	tg     *telegramtest.Server
	srv    *httptest.Server
	sender *bot.ReplySender
	run    context.Context
	stop   context.CancelFunc
	relay  *api.Relay
	disp   *bot.Dispatcher
}

func newE2EWorld(t *testing.T) *e2eWorld {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	set, err := flows.Load("")
	if err != nil {
		t.Fatalf("flows: %v", err)
	}
	keys := bot.NewKeys(prefix, 4)
	disp := bot.NewDispatcher(rdb, keys, flows.NewEngine(set, flows.Config{}))
	media, err := bot.NewDirMediaStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	fake := telegramtest.New(t)
	adapter, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token, APIURL: fake.URL}, disp, media, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	citizens := struct {
		*bot.QueueNotifier
		*bot.Dispatcher
	}{bot.NewNotifier(rdb, keys), disp}
	svc := api.NewService(sqlstoretest.Open(t, "sqlite"), rdb, prefix, set.Catalog(), citizens, set, nil)
	con := New(Config{Prefix: prefix, MediaStore: media}, rdb, svc, set.Catalog(), slog.New(slog.DiscardHandler))
	e := echo.New()
	con.Register(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := &e2eWorld{t: t, rdb: rdb, keys: keys, svc: svc, con: con, tg: fake, srv: srv, run: ctx, stop: cancel,
		relay: api.NewRelay(svc), disp: disp,
		sender: bot.NewReplySender(rdb, keys, map[string]bot.Sender{bot.ChannelTelegram: adapter},
			bot.SenderConfig{Limits: map[string]bot.Limit{}, Block: 50 * time.Millisecond, BackoffBase: 100 * time.Millisecond,
				DeadLetters: svc.DeadLetterSink(), OnDelivery: svc.OnDelivery}, nil)}
	w.seed(media)
	return w
}

// seed files a realistic mix of reports through the complaint side.
func (w *e2eWorld) seed(media bot.MediaStore) {
	t := w.t
	ctx := ctxT(t)
	now := time.Now()
	var photos []flows.Photo
	for _, size := range [][2]int{{480, 360}, {360, 480}} {
		ref, ct, n, err := media.Save(ctx, strings.NewReader(testPNG(size[0], size[1])))
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, flows.Photo{Ref: ref, ContentType: ct, Size: n})
	}
	type seed struct {
		number, category, kec, title, desc, identity, name, phone, chat string
		ageH                                                            int
		status                                                          api.Status
		photos                                                          []flows.Photo
	}
	seeds := []seed{
		{"SDA-JLN001", "jalan", "Waru", "Jalan berlubang besar di depan Pasar Waru", "Lubang sekitar 1 meter di lajur kiri, sudah dua motor jatuh minggu ini. Mohon segera ditambal sebelum musim hujan.", "public", "Siti Rahayu", "081234567890", "5001", 30, "", photos},
		{"SDA-JLN002", "jalan", "Candi", "Jembatan kecil di Desa Sepande retak", "Retakan memanjang di tengah jembatan, truk masih lewat setiap pagi.", "anonim", "Budi Santoso", "085712345678", "5002", 80, api.StatusVerified, nil},
		{"SDA-BJR003", "banjir", "Taman", "Saluran tersumbat di Perumahan Taman Pinang", "Air menggenang setinggi mata kaki setiap hujan deras, saluran penuh sampah.", "public", "Dewi Lestari", "081398765432", "5003", 200, api.StatusInProgress, nil},
		{"SDA-BJR004", "banjir", "Porong", "Genangan di Jalan Raya Porong", "Genangan tidak surut dua hari setelah hujan.", "rahasia", "", "", "5004", 6, "", nil},
		{"SDA-JLN005", "jalan", "Sidoarjo", "Trotoar rusak di Jl. Pahlawan", "Paving trotoar lepas, berbahaya untuk pejalan kaki dan anak sekolah.", "public", "Agus Wibowo", "082134567890", "5005", 120, api.StatusResolved, nil},
		{"SDA-SMP006", "sampah", "Waru", "Sampah tidak diangkut tiga hari", "TPS di RW 05 penuh, sampah meluber ke jalan.", "public", "Rina Kusuma", "087812345678", "5006", 50, "", nil},
		{"SDA-PJU007", "pju", "Buduran", "Lampu jalan mati di Jl. Raya Buduran", "Tiga tiang lampu berturut-turut mati, jalan gelap malam hari.", "anonim", "", "", "5007", 26, api.StatusVerified, nil},
		{"SDA-SMP008", "sampah", "Gedangan", "TPS liar di tepi sungai", "Warga membuang sampah ke bantaran sungai.", "public", "Hadi Prasetyo", "081255566677", "5008", 300, api.StatusInProgress, nil},
		{"SDA-KES009", "kesehatan", "Krian", "Antrean panjang di Puskesmas Krian", "Pendaftaran dibuka terlambat, lansia menunggu di luar.", "public", "Sri Wahyuni", "081377788899", "5009", 10, "", nil},
		{"SDA-JLN010", "jalan", "Waru", "Marka jalan pudar di simpang Medaeng", "Marka zebra cross hampir tidak terlihat.", "public", "Yusuf Hidayat", "081399900011", "5010", 4, "", nil},
	}
	for i, s := range seeds {
		env := bot.ActionEnvelope{ID: fmt.Sprintf("1-%d", i), Channel: bot.ChannelTelegram, ChatID: s.chat, Lang: "id",
			At: now.Add(-time.Duration(s.ageH) * time.Hour),
			Action: flows.Action{Kind: flows.ActionSubmit, Tracking: s.number, Photos: s.photos, Fields: map[string]string{
				"category": s.category, "title": s.title, "description": s.desc, "kecamatan": s.kec,
				"lat": "-7.3520", "lon": "112.7269", "address": "Jl. Raya " + s.kec, "identity": s.identity,
				"name": s.name, "phone": s.phone,
			}}}
		if err := w.svc.HandleAction(ctx, env); err != nil {
			t.Fatalf("seed %s: %v", s.number, err)
		}
		if s.status != "" {
			if err := w.svc.ChangeStatus(ctx, s.number, "seed@sidoarjo.go.id", s.status, "", ""); err != nil {
				t.Fatalf("seed status %s: %v", s.number, err)
			}
		}
	}
	if err := w.svc.AddInternalNote(ctx, "SDA-JLN001", "koordinator@sidoarjo.go.id", "Sudah dikoordinasikan dengan UPT Jalan wilayah Waru.", ""); err != nil {
		t.Fatal(err)
	}
	// The seeding's own notices are not part of what the test checks.
	if _, err := w.relay.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for shard := range w.keys.Shards {
		if err := w.rdb.Del(ctx, w.keys.Outbound(shard)).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// queued returns the outbound messages waiting for a chat.
func (w *e2eWorld) queued(channel, chat string) []bot.Outbound {
	w.t.Helper()
	if _, err := w.relay.Drain(ctxT(w.t)); err != nil { // what the console committed, to the streams
		w.t.Fatal(err)
	}
	msgs, err := w.rdb.XRange(ctxT(w.t), w.keys.Outbound(w.keys.Shard(channel, chat)), "-", "+").Result()
	if err != nil {
		w.t.Fatal(err)
	}
	var out []bot.Outbound
	for _, m := range msgs {
		o, err := bot.DecodeOutbound(m)
		if err != nil {
			w.t.Fatal(err)
		}
		if o.Channel == channel && o.ChatID == chat {
			out = append(out, o)
		}
	}
	return out
}

// shot saves a full-page screenshot as a test artifact (and into docs/ with
// -update-docs).
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		dir := filepath.Join("testdata", "artifacts")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			return err
		}
		if *updateDocs && docsShots[name] {
			return os.WriteFile(filepath.Join("..", "..", "docs", name), buf, 0o644)
		}
		return nil
	})
}
