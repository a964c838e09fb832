package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// `aduan serve` wired end to end: real Redis, the fake Telegram Bot API in
// polling mode, health and metrics, a citizen's message answered, and a
// report filed through the built-in Open311 API.
func TestServeWiring(t *testing.T) {
	_, prefix := redistest.Client(t) // cleans up the prefix afterwards
	fake := telegramtest.New(t)
	addr := freeAddr(t)
	t.Setenv("REDIS_URL", "redis://"+redistest.Addr()+"/0")
	t.Setenv("ADUAN_REDIS_PREFIX", prefix)
	t.Setenv("ADUAN_DATA_DIR", t.TempDir())
	t.Setenv("ADUAN_TELEGRAM_TOKEN", telegramtest.Token)
	t.Setenv("ADUAN_TELEGRAM_API_URL", fake.URL)
	t.Setenv("ADUAN_API_KEYS", "test-key")
	t.Setenv("ADUAN_LOG_LEVEL", "error")
	debugAddr := freeAddr(t)
	t.Setenv("ADUAN_DEBUG_LISTEN", debugAddr)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--listen", addr}) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s of its context ending")
		}
	}()

	base := "http://" + addr
	waitHTTP(t, base+"/healthz")
	for path, want := range map[string]string{"/readyz": `"redis":"ok"`, "/metrics": "aduan_inbound_handled_total"} {
		status, body := get(t, base+path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", path, status, body, want)
		}
	}

	u := telegramtest.NewUpdates(4242, "id", 1000)
	fake.PushUpdate(u.Text("halo"))
	fake.WaitFor(t, 10*time.Second, "the welcome with the menu", func(calls []telegramtest.Call) bool {
		return len(fake.Texts("4242")) >= 1
	})
	if texts := fake.Texts("4242"); !strings.Contains(texts[0], "Selamat datang") {
		t.Errorf("first reply = %q, want the Indonesian welcome", texts[0])
	}

	resp, err := http.PostForm(base+"/open311/v2/requests.json", map[string][]string{
		"api_key": {"test-key"}, "service_code": {"jalan"}, "lat": {"-7.45"}, "long": {"112.71"},
		"description": {"Jalan berlubang di depan pasar, berbahaya untuk motor."}, "attribute[identity]": {"public"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var created []struct {
		ID string `json:"service_request_id"`
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &created) != nil || len(created) != 1 {
		t.Fatalf("POST requests.json = %d %s", resp.StatusCode, body)
	}
	status, got := get(t, fmt.Sprintf("%s/open311/v2/requests/%s.json", base, created[0].ID))
	if status != http.StatusOK || !strings.Contains(got, created[0].ID) {
		t.Errorf("GET the created request = %d %s", status, got)
	}
	if resp.Header.Get(requestIDHeader) == "" {
		t.Errorf("no %s on the answer", requestIDHeader)
	}

	// The operators' measures: the runtime's, the build, HTTP by route and
	// code, replies by channel, the queues' depth and age, the channels'
	// state; and every one the Grafana dashboard plots.
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{"go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_cpu_seconds_total ",
		"process_resident_memory_bytes ", `aduan_build_info{goversion="go`,
		`method="POST",route="/open311/v2/requests.json",le="0.005"}`,
		`aduan_replies_sent_total{channel="telegram"} `, `aduan_replies_failed_total{channel="telegram"} 0`,
		`aduan_channel_up{channel="telegram"} 1`, `aduan_queue_depth{queue="reply"} `,
		`aduan_queue_oldest_pending_seconds{queue="action"} `, `aduan_queue_depth{queue="forward"} `} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	for _, name := range dashboardMetrics(t) {
		if !strings.Contains(metrics, "\n"+name) {
			t.Errorf("the dashboard plots %s, which /metrics does not serve", name)
		}
	}

	// pprof on ADUAN_DEBUG_LISTEN, not on the public listener.
	if status, body := get(t, "http://"+debugAddr+"/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof on ADUAN_DEBUG_LISTEN = %d", status)
	}
	if status, _ := get(t, base+"/debug/pprof/"); status == http.StatusOK {
		t.Error("pprof is served on the public listener")
	}
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 15s", url)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// dashboardMetrics are the metric names docs/grafana-dashboard.json's
// queries use (the WhatsApp ones exist only with WhatsApp on).
func dashboardMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana-dashboard.json: %v", err)
	}
	var names []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range regexp.MustCompile(`\b(?:aduan|go|process)_[a-z0-9_]+`).FindAllString(tg.Expr, -1) {
				if !slices.Contains(names, name) && !strings.Contains(name, "whatsapp") {
					names = append(names, name)
				}
			}
		}
	}
	if len(names) < 20 {
		t.Fatalf("the dashboard uses only %d metrics: %v", len(names), names)
	}
	return names
}
