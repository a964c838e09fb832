package whatsapp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
)

func sqliteConfig(t *testing.T) Config {
	dir := filepath.Join(t.TempDir(), "data") // created by OpenStore
	return Config{StoreDSN: "file:" + filepath.Join(dir, "whatsapp.db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)", InstanceID: "t"}
}

// The SQLite device store opens, migrates and reopens with the pure-Go
// driver, and a real whatsmeow client on it drives the adapter.
func TestSQLiteStoreAndRealClient(t *testing.T) {
	ctx := context.Background()
	cfg := sqliteConfig(t)
	for i := range 2 { // the second open finds the schema in place
		c, err := OpenStore(ctx, cfg, nil)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		dev, err := c.GetFirstDevice(ctx)
		if err != nil || dev == nil || dev.ID != nil {
			t.Fatalf("first device: %+v %v (want a new, unlinked one)", dev, err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := OpenStore(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if fi, err := os.Stat(sqliteFile(cfg.withDefaults())); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file: %v %v (want mode 0600)", fi, err)
	}
	cli, err := NewClient(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := redistest.Client(t)
	h := &recHandler{}
	a := New(cfg, cli, h, nil, nil, nil)
	if !cli.SynchronousAck || !cli.EnableDecryptedEventBuffer || cli.EnableAutoReconnect {
		t.Fatalf("client options: SynchronousAck %v, EnableDecryptedEventBuffer %v, EnableAutoReconnect %v",
			cli.SynchronousAck, cli.EnableDecryptedEventBuffer, cli.EnableAutoReconnect)
	}
	keys := bot.NewKeys(prefix, 4)

	// Run on an unlinked store says so and does not dial WhatsApp.
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, rdb, keys) }()
	deadline := time.Now().Add(10 * time.Second)
	for a.Health().State != StateUnpaired {
		if time.Now().After(deadline) {
			t.Fatalf("health = %+v, want unpaired", a.Health())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if cli.IsConnected() {
		t.Fatal("connected without a linked device")
	}

	//lint:ignore SA1019 test-only entry point into whatsmeow's dispatcher
	in := cli.DangerousInternals()
	if failed := in.DispatchEvent(whatsapptest.Text(testPN, "3EB0S1", "halo")); failed {
		t.Fatal("whatsmeow saw the handler fail")
	}
	if got := h.inbound(); len(got) != 1 || got[0].Text != "halo" || got[0].ChatID != testPN.String() {
		t.Fatalf("handled %+v", got)
	}
	h.err = errors.New("redis down")
	if failed := in.DispatchEvent(whatsapptest.Text(testPN, "3EB0S2", "halo lagi")); !failed {
		t.Fatal("a failed commit must fail the event, so no receipt is sent")
	}

	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Sending through the real client offline: whatsmeow refuses, retryable.
	if err := rdb.Set(ctx, knownKey(keys, testPN.String()), "1", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	err = a.Send(ctx, bot.Outbound{ID: "1-0", ChatID: testPN.String(), Text: "x"})
	se, ok := bot.AsSendError(err)
	if !ok || !se.Retryable() || !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Fatalf("send offline: %v", err)
	}
}

func TestOpenStoreRejectsUnknownDialect(t *testing.T) {
	if _, err := OpenStore(context.Background(), Config{StoreDialect: "mysql"}, nil); err == nil {
		t.Fatal("mysql accepted")
	}
}
