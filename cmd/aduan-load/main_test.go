package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(i + 1) // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value, p50", []time.Duration{ms(7)}, 50, ms(7)},
		{"one value, p99", []time.Duration{ms(7)}, 99, ms(7)},
		{"two values, p50 is the lower", []time.Duration{ms(1), ms(9)}, 50, ms(1)},
		{"two values, p51 is the upper", []time.Duration{ms(1), ms(9)}, 51, ms(9)},
		{"1..100 p50", hundred, 50, ms(50)},
		{"1..100 p90", hundred, 90, ms(90)},
		{"1..100 p99", hundred, 99, ms(99)},
		{"1..100 p100", hundred, 100, ms(100)},
		{"1..100 p0.1 is the minimum", hundred, 0.1, ms(1)},
		{"ten values p99 is the max", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
		{"ten values p90", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeSortsAndTakesMax(t *testing.T) {
	tests := []struct {
		in                 []time.Duration
		p50, p90, p99, max time.Duration
	}{
		{nil, 0, 0, 0, 0},
		{[]time.Duration{ms(30), ms(10), ms(20)}, ms(20), ms(30), ms(30), ms(30)},
		{[]time.Duration{ms(5), ms(1), ms(4), ms(2), ms(3), ms(100), ms(6), ms(8), ms(7), ms(9)}, ms(5), ms(9), ms(100), ms(100)},
	}
	for _, tt := range tests {
		s := summarize(append([]time.Duration(nil), tt.in...))
		if s.n != len(tt.in) || s.p50 != tt.p50 || s.p90 != tt.p90 || s.p99 != tt.p99 || s.max != tt.max {
			t.Errorf("summarize(%v) = %+v, want p50 %v p90 %v p99 %v max %v", tt.in, s, tt.p50, tt.p90, tt.p99, tt.max)
		}
	}
}

func TestCheckTargetOnlyLoopback(t *testing.T) {
	tests := []struct {
		target string
		ok     bool
	}{
		{"http://127.0.0.1:8080/webhooks/telegram", true},
		{"http://127.1.2.3:9000/x", true},
		{"http://localhost:8080/webhooks/telegram", true},
		{"http://LOCALHOST/webhooks/telegram", true},
		{"https://127.0.0.1/webhooks/telegram", true},
		{"http://[::ffff:127.0.0.1]:8080/", true}, // IPv4-mapped loopback
		{"http://10.0.0.5:8080/webhooks/telegram", false},
		{"http://128.0.0.1:8080/", false},
		{"http://0.0.0.0:8080/", false},
		{"http://[::1]:8080/", false}, // only 127.0.0.0/8 and localhost
		{"http://api.telegram.org/webhooks/telegram", false},
		{"http://localhost.example.com/", false},
		{"http://127.0.0.1.nip.io/", false},
		{"http://evil.com@127.0.0.1/", false}, // user info
		{"http://127.0.0.1@evil.com/", false},
		{"ftp://127.0.0.1/", false},
		{"127.0.0.1:8080", false}, // no scheme
		{"", false},
	}
	for _, tt := range tests {
		_, err := checkTarget(tt.target)
		if (err == nil) != tt.ok {
			t.Errorf("checkTarget(%q) error = %v, want ok=%v", tt.target, err, tt.ok)
		}
	}
}

func TestCheckListenOnlyLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8081", true},
		{"localhost:8081", true},
		{"127.0.0.9:0", true},
		{":8081", false}, // all interfaces
		{"0.0.0.0:8081", false},
		{"192.168.1.2:8081", false},
		{"127.0.0.1", false}, // no port
	}
	for _, tt := range tests {
		if err := checkListen(tt.addr); (err == nil) != tt.ok {
			t.Errorf("checkListen(%q) error = %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
}

func TestParseFlagsRefusesRemoteTarget(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
	}{
		{nil, true},
		{[]string{"--target", "http://localhost:9999/webhooks/telegram", "--citizens", "3"}, true},
		{[]string{"--target", "http://example.com/webhooks/telegram"}, false},
		{[]string{"--listen", "0.0.0.0:8081"}, false},
		{[]string{"--citizens", "0"}, false},
		{[]string{"--duration", "0s"}, false},
		{[]string{"--steps", "12"}, true},
		{[]string{"--steps", "14"}, false},
		{[]string{"--steps", "-1"}, false},
		{[]string{"extra"}, false},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, io.Discard)
		if (err == nil) != tt.ok {
			t.Errorf("parseFlags(%q) error = %v, want ok=%v", tt.args, err, tt.ok)
		}
	}
}

func TestParseLoadAvg(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3.43 5.27 6.19 4/153 29440\n", "3.43 5.27 6.19"},
		{"0.00 0.01 0.05 1/80 1", "0.00 0.01 0.05"},
		{"", "unknown"},
		{"1.0 2.0", "unknown"},
	}
	for _, tt := range tests {
		if got := parseLoadAvg(tt.in); got != tt.want {
			t.Errorf("parseLoadAvg(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		n    int
		d    time.Duration
		want float64
	}{
		{100, time.Second, 100},
		{30, 2 * time.Second, 15},
		{5, 0, 0},
		{5, -time.Second, 0},
	}
	for _, tt := range tests {
		if got := rate(tt.n, tt.d); got != tt.want {
			t.Errorf("rate(%d, %v) = %v, want %v", tt.n, tt.d, got, tt.want)
		}
	}
}

// The fake Bot API answers in Telegram's envelope whatever the body encoding,
// and records sendMessage per chat and the finishing marker.
func TestFakeAPI(t *testing.T) {
	api := newFakeAPI("SDA-", 0)
	srv := httptest.NewServer(api)
	defer srv.Close()

	multipartBody := func(fields map[string]string) (string, io.Reader) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range fields {
			_ = w.WriteField(k, v)
		}
		_ = w.Close()
		return w.FormDataContentType(), &b
	}
	form := func(fields map[string]string) (string, io.Reader) {
		v := url.Values{}
		for k, s := range fields {
			v.Set(k, s)
		}
		return "application/x-www-form-urlencoded", strings.NewReader(v.Encode())
	}
	jsonBody := func(fields map[string]string) (string, io.Reader) {
		b, _ := json.Marshal(fields)
		return "application/json", bytes.NewReader(b)
	}
	empty := func(map[string]string) (string, io.Reader) {
		return "multipart/form-data; boundary=x", strings.NewReader("")
	}

	tests := []struct {
		name   string
		method string
		body   func(map[string]string) (string, io.Reader)
		fields map[string]string
		code   int
	}{
		{"getMe, empty multipart", "getMe", empty, nil, 200},
		{"setWebhook", "setWebhook", multipartBody, map[string]string{"url": "http://127.0.0.1:8080/webhooks/telegram", "secret_token": "loadtest"}, 200},
		{"setWebhook without url", "setWebhook", multipartBody, map[string]string{}, 400},
		{"setMyCommands", "setMyCommands", multipartBody, map[string]string{"commands": `[{"command":"start","description":"x"}]`}, 200},
		{"deleteWebhook", "deleteWebhook", form, map[string]string{}, 200},
		{"sendChatAction", "sendChatAction", form, map[string]string{"chat_id": "1", "action": "typing"}, 200},
		{"sendMessage multipart", "sendMessage", multipartBody, map[string]string{"chat_id": "42", "text": "Halo"}, 200},
		{"sendMessage urlencoded", "sendMessage", form, map[string]string{"chat_id": "42", "text": "Nomor laporan: SDA-ABC123"}, 200},
		{"sendMessage JSON", "sendMessage", jsonBody, map[string]string{"chat_id": "43", "text": "Halo"}, 200},
		{"sendMessage empty text", "sendMessage", form, map[string]string{"chat_id": "43", "text": " "}, 400},
		{"sendMessage bad chat", "sendMessage", form, map[string]string{"chat_id": "x", "text": "a"}, 400},
		{"editMessageText", "editMessageText", multipartBody, map[string]string{"chat_id": "42", "message_id": "1001", "text": "b"}, 200},
		{"editMessageReplyMarkup", "editMessageReplyMarkup", multipartBody, map[string]string{"chat_id": "42", "message_id": "1001"}, 200},
		{"answerCallbackQuery", "answerCallbackQuery", multipartBody, map[string]string{"callback_query_id": "q1"}, 200},
		{"answerCallbackQuery without id", "answerCallbackQuery", multipartBody, map[string]string{}, 400},
		{"unknown method", "sendPigeon", form, map[string]string{}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := tt.body(tt.fields)
			resp, err := http.Post(srv.URL+"/bot123:abc/"+tt.method, ct, body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var env struct {
				OK        bool            `json:"ok"`
				Result    json.RawMessage `json:"result"`
				ErrorCode int             `json:"error_code"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
				t.Fatalf("answer is not an envelope: %v", err)
			}
			if resp.StatusCode != tt.code || env.OK != (tt.code == 200) {
				t.Fatalf("status %d ok %v, want %d", resp.StatusCode, env.OK, tt.code)
			}
			if !env.OK && env.ErrorCode != tt.code {
				t.Errorf("error_code %d, want %d", env.ErrorCode, tt.code)
			}
			if env.OK && len(env.Result) == 0 {
				t.Errorf("ok without result")
			}
		})
	}
	s := api.snapshot()
	if s.total != 3 || s.chats != 2 {
		t.Errorf("recorded %d sendMessage in %d chats, want 3 in 2", s.total, s.chats)
	}
	if s.finished != 1 || s.finishedByChatID["42"].IsZero() {
		t.Errorf("finished = %d (%v), want chat 42 only", s.finished, s.finishedByChatID)
	}
	if s.methods["setWebhook"] != 2 || s.methods["getMe"] != 1 || s.bad != 5 {
		t.Errorf("methods = %v, error answers %d; want setWebhook 2, getMe 1, 5 errors", s.methods, s.bad)
	}
	if !api.webhookSet() {
		t.Error("a successful setWebhook was not noticed")
	}
}

// A citizen posts the script in order, with the secret, unique update ids,
// and posts a message again (same update_id) after a 503.
func TestWalkRetriesSameUpdateAfter503(t *testing.T) {
	type got struct {
		updateID int64
		text     string
		chatType string
	}
	var seen []got
	fail := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != "s3cret" {
			w.WriteHeader(401)
			return
		}
		var u struct {
			UpdateID int64 `json:"update_id"`
			Message  struct {
				Text string `json:"text"`
				Chat struct {
					ID   int64  `json:"id"`
					Type string `json:"type"`
				} `json:"chat"`
				From struct {
					ID int64 `json:"id"`
				} `json:"from"`
			} `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.Message.Chat.ID != 7 || u.Message.From.ID != 7 {
			w.WriteHeader(400)
			return
		}
		seen = append(seen, got{u.UpdateID, u.Message.Text, u.Message.Chat.Type})
		if u.Message.Text == "b" && fail > 0 {
			fail--
			w.WriteHeader(503)
			return
		}
	}))
	defer srv.Close()
	p := &poster{client: srv.Client(), target: srv.URL, secret: "s3cret"}
	if n := p.walk(t.Context(), 7, []string{"a", "b", "c"}); n != 3 {
		t.Fatalf("walked %d messages, want 3", n)
	}
	if len(seen) != 4 || seen[1].text != "b" || seen[2].text != "b" || seen[1].updateID != seen[2].updateID {
		t.Fatalf("posts %+v: want a, b, b (same update_id), c", seen)
	}
	if seen[0].updateID == seen[1].updateID || seen[2].updateID == seen[3].updateID || seen[0].chatType != "private" {
		t.Errorf("update ids not unique per message or chat not private: %+v", seen)
	}
	if p.ok != 3 || p.busy != 1 || len(p.latencies) != 3 {
		t.Errorf("ok %d busy %d latencies %d, want 3 1 3", p.ok, p.busy, len(p.latencies))
	}

	// A wrong secret (401) is not retried.
	p = &poster{client: srv.Client(), target: srv.URL, secret: "wrong"}
	if n := p.walk(t.Context(), 7, []string{"a"}); n != 0 || p.other != 1 {
		t.Errorf("wrong secret: walked %d, other %d; want 0, 1", n, p.other)
	}
}

func TestPeakInWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(msecs ...int) []time.Time {
		var out []time.Time
		for _, m := range msecs {
			out = append(out, t0.Add(ms(m)))
		}
		return out
	}
	tests := []struct {
		name  string
		times []time.Time
		want  int
	}{
		{"none", nil, 0},
		{"one", at(5), 1},
		{"one per second", at(0, 1000, 2000, 3000), 1},
		{"just inside a second", at(0, 999), 2},
		{"burst then spread", at(0, 10, 20, 30, 1500, 2600), 4},
		{"unsorted", at(2600, 30, 1500, 0, 20, 10), 4},
		{"window slides", at(0, 600, 900, 1200, 1300, 1400), 5},
		{"equal times", at(7, 7, 7), 3},
	}
	for _, tt := range tests {
		if got := peakInWindow(tt.times, time.Second); got != tt.want {
			t.Errorf("%s: peakInWindow = %d, want %d", tt.name, got, tt.want)
		}
	}
}
