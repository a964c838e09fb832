package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// chatScript is a whole complaint typed in the terminal.
var chatScript = strings.Join([]string{"halo", "1", "1", "Jalan berlubang di Jl. Raya Candi",
	"Ada lubang besar di tengah jalan depan SDN Candi 1, sudah dua minggu.", "kemarin",
	"-7.4912, 112.7105", "candi", "selesai", "anonim", "Siti Aminah", "0812 3456 7890", "kirim"}, "\n")

// chatFiles runs the piped conversation with REDIS_URL=url and returns the
// tracking number, once the report is in the database.
func chatFiles(t *testing.T, url string) string {
	t.Helper()
	t.Setenv("REDIS_URL", url)
	t.Setenv("ADUAN_REDIS_PREFIX", "aduan")
	dataDir := t.TempDir()
	t.Setenv("ADUAN_DATA_DIR", dataDir)
	var out bytes.Buffer
	if err := chat(context.Background(), []string{"--user", "warga1", "--settle", "300ms"}, strings.NewReader(chatScript), &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Nomor laporan: \*(SDA-[A-Z0-9]{6})\*`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no tracking number in the conversation:\n%s", out.String())
	}
	store, err := sqlstore.Open(context.Background(), filepath.Join(dataDir, "aduan.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := store.Get(context.Background(), m[1])
		if err == nil {
			if r.Title != "Jalan berlubang di Jl. Raya Candi" {
				t.Errorf("report %s: title %q", m[1], r.Title)
			}
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("report %s not in the database: %v", m[1], err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// REDIS_URL naming a Cluster's nodes: a whole conversation is committed,
// replied to and filed on a 3-node Redis Cluster (the keys' hash tags keep
// each commit in one slot).
func TestChatOnRedisCluster(t *testing.T) {
	c := redistest.NewCluster(t, 3)
	chatFiles(t, c.URL())
}

// REDIS_URL naming a Sentinel (one that is down listed first): the same
// conversation through the master the sentinel names.
func TestChatOnRedisSentinel(t *testing.T) {
	s := redistest.NewSentinel(t)
	chatFiles(t, s.URL(freeAddr(t)))
}

// tgCitizen chats with `aduan serve` through the fake Bot API (long
// polling), waiting for the bot's answer to each message.
type tgCitizen struct {
	t    *testing.T
	fake *telegramtest.Server
	u    *telegramtest.Updates
	chat string
}

// send pushes an update and waits until the bot has answered it (its
// message count grew and then stayed still for a moment).
func (c *tgCitizen) send(raw []byte) {
	c.t.Helper()
	before := len(c.fake.Messages(c.chat))
	c.fake.PushUpdate(raw)
	deadline := time.Now().Add(30 * time.Second)
	n, stable := before, time.Now()
	for {
		if m := len(c.fake.Messages(c.chat)); m != n {
			n, stable = m, time.Now()
		}
		if n > before && time.Since(stable) > 300*time.Millisecond {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no answer within 30s; last message %q", c.last().Text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *tgCitizen) say(text string) { c.t.Helper(); c.send(c.u.Text(text)) }

func (c *tgCitizen) last() telegramtest.Message {
	ms := c.fake.Messages(c.chat)
	if len(ms) == 0 {
		return telegramtest.Message{}
	}
	return ms[len(ms)-1]
}

// press presses the button whose callback data starts with prefix on the
// newest keyboard.
func (c *tgCitizen) press(prefix string) {
	c.t.Helper()
	ms := c.fake.Messages(c.chat)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, b := range ms[i].Buttons() {
			if strings.HasPrefix(b.CallbackData, prefix) {
				c.send(c.u.Callback(ms[i].ID, ms[i].Text, b.CallbackData))
				return
			}
		}
		if len(ms[i].Buttons()) > 0 {
			break
		}
	}
	c.t.Fatalf("no button %q on the newest keyboard; last message %q", prefix, c.last().Text)
}

// Sentinel failover in the middle of a conversation: the master is killed
// (after its writes reached the replica: replication is asynchronous), a
// message arrives while there is no master, and once the sentinel has
// promoted the replica the conversation goes on where it was; the report
// holds every answer, including the one sent during the failover, and every
// update was confirmed to Telegram (none lost).
func TestServeSentinelFailover(t *testing.T) {
	s := redistest.NewSentinel(t)
	fake := telegramtest.New(t)
	dataDir := t.TempDir()
	addr := freeAddr(t)
	t.Setenv("REDIS_URL", s.URL())
	t.Setenv("ADUAN_DATA_DIR", dataDir)
	t.Setenv("ADUAN_TELEGRAM_TOKEN", telegramtest.Token)
	t.Setenv("ADUAN_TELEGRAM_API_URL", fake.URL)
	t.Setenv("ADUAN_TELEGRAM_RATE_CHAT", "1000") // no 1 s pacing: an answer's messages come together
	t.Setenv("ADUAN_LOG_LEVEL", "error")
	startServe(t, addr)

	c := &tgCitizen{t: t, fake: fake, u: telegramtest.NewUpdates(8080, "id", 1), chat: "8080"}
	c.say("/start")
	c.say("lapor")
	c.press("complaint/category|")
	c.say("Jalan berlubang di depan SDN Waru 2")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.WaitReplicated(ctx); err != nil {
		t.Fatal(err)
	}
	old := s.KillMaster(ctx)
	// Sent while there is no master: getUpdates is not confirmed until
	// it is committed, so it comes back until the new master takes it.
	c.say("Lubang besar di tengah jalan sejak tiga bulan, motor sering jatuh.")
	if promoted, err := s.WaitFailover(ctx, old); err != nil {
		t.Fatal(err)
	} else {
		t.Logf("failover %s -> %s", old, promoted)
	}
	c.say("hari ini")
	c.send(c.u.Location(-7.3504, 112.7306))
	if strings.Contains(c.last().Markup, "complaint/kecamatan|") {
		c.press("complaint/kecamatan|waru")
	}
	c.press("complaint/photos|")
	c.press("complaint/identity|anonim")
	c.press("complaint/name|skip")
	c.say("Lewati")
	c.press("complaint/summary|send")
	last := c.last().Text
	i := strings.Index(last, "SDA-")
	if i < 0 {
		t.Fatalf("no tracking number after the failover; last message %q", last)
	}
	number := last[i : i+10]

	store, err := sqlstore.Open(ctx, filepath.Join(dataDir, "aduan.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for {
		r, err := store.Get(ctx, number)
		if err == nil {
			if r.Title != "Jalan berlubang di depan SDN Waru 2" || !strings.Contains(r.Description, "motor sering jatuh") {
				t.Errorf("report %s lost an answer: title %q, description %q", number, r.Title, r.Description)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("report %s not filed: %v", number, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p := fake.Pending(); len(p) != 0 {
		t.Errorf("updates never confirmed: %v", p)
	}
}
