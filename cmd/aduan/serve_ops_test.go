package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// startServe runs `aduan serve --listen addr` with the environment the test
// set, and stops it (checking it stops cleanly) at cleanup.
func startServe(t *testing.T, addr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--listen", addr}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s of its context ending")
		}
	})
	waitHTTP(t, "http://"+addr+"/healthz")
}

// readyz is /readyz's status and body.
func readyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	status, body := get(t, base+"/readyz")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("/readyz is not JSON: %q", body)
	}
	return status, m
}

// Telegram refusing setWebhook does not stop the service: Open311 and the
// console serve, /readyz (still 200: the replica takes traffic) reports the
// channel unhealthy with the reason, and the setup is retried until it
// succeeds; the replies waiting meanwhile are then delivered.
func TestServeTelegramSetupFailing(t *testing.T) {
	old := channelRetryBase
	channelRetryBase = 50 * time.Millisecond
	t.Cleanup(func() { channelRetryBase = old })

	_, prefix := redistest.Client(t)
	fake := telegramtest.New(t)
	fake.Fail("setWebhook", "", telegramtest.Failure{Code: 400, Description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"}, -1)
	addr := freeAddr(t)
	t.Setenv("REDIS_URL", "redis://"+redistest.Addr()+"/0")
	t.Setenv("ADUAN_REDIS_PREFIX", prefix)
	t.Setenv("ADUAN_DATA_DIR", t.TempDir())
	t.Setenv("ADUAN_TELEGRAM_TOKEN", telegramtest.Token)
	t.Setenv("ADUAN_TELEGRAM_API_URL", fake.URL)
	t.Setenv("ADUAN_PUBLIC_URL", "https://aduan.example.go.id")
	t.Setenv("ADUAN_TELEGRAM_WEBHOOK_SECRET", "test-secret")
	t.Setenv("ADUAN_LOG_LEVEL", "error")
	startServe(t, addr)
	base := "http://" + addr

	fake.WaitFor(t, 10*time.Second, "setWebhook refused twice", func(calls []telegramtest.Call) bool {
		n := 0
		for _, c := range calls {
			if c.Method == "setWebhook" && c.Status == http.StatusBadRequest {
				n++
			}
		}
		return n >= 2
	})
	status, body := readyz(t, base)
	tg, _ := body["telegram"].(map[string]any)
	if status != http.StatusOK || body["status"] != "degraded" || tg["healthy"] != false || tg["state"] != channelFailing ||
		!strings.Contains(tg["error"].(string), "setWebhook") || strings.Contains(tg["error"].(string), telegramtest.Token) {
		t.Errorf("/readyz = %d %v, want 200, degraded, telegram failing with the reason (no token)", status, body)
	}
	for path, want := range map[string]string{
		"/open311/v2/services.json": `"service_code"`,
		"/console/":                 "<form",
		"/metrics":                  `aduan_channel_up{channel="telegram"} 0`,
	} {
		if status, body := get(t, base+path); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d, want 200 with %q, while Telegram's setup fails", path, status, want)
		}
	}

	// A webhook arrives (an old registration still points here): it is
	// committed, and its replies wait until the setup succeeds.
	u := telegramtest.NewUpdates(5151, "id", 1)
	postWebhook(t, base, "test-secret", u.Text("halo"))
	time.Sleep(300 * time.Millisecond)
	if texts := fake.Texts("5151"); len(texts) != 0 {
		t.Errorf("replies sent before the setup succeeded: %q", texts)
	}

	fake.ClearFailures()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, body = readyz(t, base)
		if tg, _ := body["telegram"].(map[string]any); tg["healthy"] == true && body["status"] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Telegram's setup not retried to success: %v", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fake.WaitFor(t, 10*time.Second, "the waiting replies", func([]telegramtest.Call) bool { return len(fake.Texts("5151")) >= 1 })
}

// postWebhook posts a Telegram update to the webhook.
func postWebhook(t *testing.T, base, secret string, raw []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+telegramWebhookPath, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook POST = %d", resp.StatusCode)
	}
}

// A busy port stops `aduan serve` with a clear error before anything
// external is called: no Bot API call (no setWebhook by a process that then
// exits), no database file, no Redis connection.
func TestServeBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	fake := telegramtest.New(t)
	dataDir := t.TempDir()
	t.Setenv("REDIS_URL", "redis://127.0.0.1:1/0") // would fail differently if reached
	t.Setenv("ADUAN_DATA_DIR", dataDir)
	t.Setenv("ADUAN_TELEGRAM_TOKEN", telegramtest.Token)
	t.Setenv("ADUAN_TELEGRAM_API_URL", fake.URL)
	t.Setenv("ADUAN_PUBLIC_URL", "https://aduan.example.go.id")
	t.Setenv("ADUAN_LOG_LEVEL", "error")
	for name, env := range map[string][2]string{
		"listen": {"ADUAN_DEBUG_LISTEN", ""},
		"debug":  {"ADUAN_DEBUG_LISTEN", busy.Addr().String()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(env[0], env[1])
			addr := busy.Addr().String()
			if name == "debug" {
				addr = freeAddr(t)
			}
			err := run(context.Background(), []string{"serve", "--listen", addr})
			if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), busy.Addr().String()) {
				t.Fatalf("serve on a busy port: %v", err)
			}
			if strings.Contains(err.Error(), "redis") {
				t.Errorf("Redis was reached first: %v", err)
			}
			if calls := fake.Calls(); len(calls) != 0 {
				t.Errorf("Bot API called before the port was bound: %v", calls)
			}
			if entries, _ := os.ReadDir(dataDir); len(entries) != 0 {
				t.Errorf("data dir has %v: the database was opened before the port was bound", entries)
			}
		})
	}
}

// WhatsApp's device store that cannot be opened does not stop the service:
// /readyz reports the channel failing, Open311 and the console serve, and
// the store is tried again until it opens; then the channel reports the
// adapter's own state (here unpaired: an operator must link the number,
// still unhealthy, still serving).
func TestServeWhatsAppStoreFailing(t *testing.T) {
	old := channelRetryBase
	channelRetryBase = 50 * time.Millisecond
	t.Cleanup(func() { channelRetryBase = old })

	_, prefix := redistest.Client(t)
	dataDir := t.TempDir()
	blocker := dataDir + "/wa" // a file where the store's directory must go
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	t.Setenv("REDIS_URL", "redis://"+redistest.Addr()+"/0")
	t.Setenv("ADUAN_REDIS_PREFIX", prefix)
	t.Setenv("ADUAN_DATA_DIR", dataDir)
	t.Setenv("ADUAN_WHATSAPP", "1")
	t.Setenv("ADUAN_WHATSAPP_STORE_DSN", "file:"+blocker+"/whatsapp.db?_pragma=foreign_keys(1)")
	t.Setenv("ADUAN_LOG_LEVEL", "error")
	startServe(t, addr)
	base := "http://" + addr

	waitReady := func(what string, ok func(wa map[string]any) bool) map[string]any {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			status, body := readyz(t, base)
			wa, _ := body["whatsapp"].(map[string]any)
			if status == http.StatusOK && ok(wa) {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz = %d %v", what, status, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	body := waitReady("store failing", func(wa map[string]any) bool {
		n, _ := wa["attempts"].(float64)
		return wa["state"] == channelFailing && n >= 2
	})
	if wa := body["whatsapp"].(map[string]any); body["status"] != "degraded" || wa["healthy"] != false ||
		!strings.Contains(wa["error"].(string), "whatsapp store") {
		t.Errorf("/readyz = %v", body)
	}
	for path, want := range map[string]string{
		"/open311/v2/services.json": `"service_code"`,
		"/console/":                 "<form",
		"/metrics":                  `aduan_channel_up{channel="whatsapp"} 0`,
	} {
		if status, body := get(t, base+path); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d, want 200 with %q, while WhatsApp's store does not open", path, status, want)
		}
	}

	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	body = waitReady("store opened", func(wa map[string]any) bool { return wa["state"] == "unpaired" })
	if wa := body["whatsapp"].(map[string]any); body["status"] != "degraded" || wa["healthy"] != false {
		t.Errorf("an unpaired number is not reported unhealthy: %v", body)
	}
	if status, _ := get(t, base+"/open311/v2/services.json"); status != http.StatusOK {
		t.Errorf("Open311 = %d with WhatsApp unpaired", status)
	}
}
