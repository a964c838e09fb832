package whatsapp

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mau.fi/whatsmeow/types/events"
	"gopkg.in/yaml.v3"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
)

// recHandler records what it is handed; err makes Handle fail.
type recHandler struct {
	mu    sync.Mutex
	ins   []bot.Inbound
	reads []int // MarkRead calls seen at each Handle
	err   error
	fake  *whatsapptest.Client
}

func (h *recHandler) Handle(ctx context.Context, in bot.Inbound) (bot.Outcome, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return bot.Outcome{}, h.err
	}
	h.ins = append(h.ins, in)
	if h.fake != nil {
		h.reads = append(h.reads, len(h.fake.Reads()))
	}
	return bot.Outcome{}, nil
}

func (h *recHandler) inbound() []bot.Inbound {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Inbound(nil), h.ins...)
}

// yamlTexts is the adapter's message file, read like the flows package does.
type yamlTexts map[string]map[string]string

func (y yamlTexts) Message(lang, key string, _ map[string]string) string {
	t, ok := y[key]
	if !ok {
		return key
	}
	return t[lang]
}

func loadTexts(t testing.TB) yamlTexts {
	t.Helper()
	data, err := os.ReadFile("../../flows/defaults/whatsapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Messages yamlTexts `yaml:"messages"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("whatsapp.yaml: %v", err)
	}
	return f.Messages
}

type env struct {
	a    *Adapter
	fake *whatsapptest.Client
	h    *recHandler
	rdb  redis.UniversalClient
	keys bot.Keys
}

// newEnv returns an adapter on a fake client, a recording handler, a media
// store in a temp dir and real Redis under a unique prefix, attached as Run
// would (without connecting).
func newEnv(t *testing.T) *env {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	fake := whatsapptest.NewClient()
	h := &recHandler{fake: fake}
	media, err := bot.NewDirMediaStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a := New(Config{MaxPhotoBytes: 1 << 20, LeaseTTL: time.Second, InstanceID: "test"}, fake, h, media, loadTexts(t), nil)
	keys := bot.NewKeys(prefix, 4)
	a.attach(context.Background(), rdb, keys)
	a.setHolding(true) // as if Run held the lease; Run sets it itself
	return &env{a: a, fake: fake, h: h, rdb: rdb, keys: keys}
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var (
	eventsLoggedOut = events.LoggedOut{Reason: events.ConnectFailureLoggedOut}
	eventsBan       = events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}
)
