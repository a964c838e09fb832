package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// complaintScript is the conversation of cmd/aduan/chat_test.go without the
// photo: a road complaint, confidential, no name or phone, sent.
func complaintScript(n int) []string {
	return []string{"halo", "1", "1",
		fmt.Sprintf("Jalan berlubang di Jl. Raya Candi %d", n),
		"Ada lubang besar di tengah jalan depan SDN Candi 1, sudah dua minggu. Motor sering jatuh.",
		"kemarin", "-7.45, 112.71", "candi", "lewati", "rahasia", "lewati", "lewati", "kirim"}
}

// poster posts Telegram updates to the webhook and records what came back.
type poster struct {
	client   *http.Client
	target   string
	secret   string
	updateID atomic.Int64 // last update_id handed out

	mu        sync.Mutex
	latencies []time.Duration // POST -> 200
	ok, busy  int             // 200, 503
	other     int             // any other status
	errs      int             // no answer (connection refused, timeout)
	lastOK    time.Time
}

// update is the JSON of one text message of a private chat, shaped like
// Telegram's (chat id = user id for private chats).
func update(updateID int64, chatID int64, messageID int, text string, now time.Time) []byte {
	user := map[string]any{"id": chatID, "is_bot": false, "first_name": "Warga",
		"last_name": fmt.Sprint(chatID % 100000), "language_code": "id"}
	chat := map[string]any{"id": chatID, "first_name": "Warga", "last_name": fmt.Sprint(chatID % 100000), "type": "private"}
	b, err := json.Marshal(map[string]any{"update_id": updateID, "message": map[string]any{
		"message_id": messageID, "from": user, "chat": chat, "date": now.Unix(), "text": text}})
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}

// post sends one update; the status is 0 when there was no answer.
func (p *poster) post(body []byte) (int, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 65*time.Second) // Telegram waits ~60 s
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target, bytes.NewReader(body))
	if err != nil {
		return 0, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", p.secret)
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		p.record(0, 0)
		return 0, 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	lat := time.Since(start)
	p.record(resp.StatusCode, lat)
	return resp.StatusCode, lat
}

func (p *poster) record(status int, lat time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch status {
	case 0:
		p.errs++
	case http.StatusOK:
		p.ok++
		p.latencies = append(p.latencies, lat)
		p.lastOK = time.Now()
	case http.StatusServiceUnavailable:
		p.busy++
	default:
		p.other++
	}
}

// walk runs one citizen's conversation: each message is posted as soon as the
// previous one was answered 200; a message not answered 200 is posted again
// (same update_id, as Telegram redelivers) after a pause. It stops between
// messages when ctx is done.
func (p *poster) walk(ctx context.Context, chatID int64, script []string) (sent int) {
	for i, text := range script {
		body := update(p.updateID.Add(1), chatID, i+1, text, time.Now())
		pause := 50 * time.Millisecond
		for {
			if ctx.Err() != nil {
				return sent
			}
			status, _ := p.post(body)
			if status == http.StatusOK {
				break
			}
			if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
				return sent // 401 (wrong secret), 404 (wrong path): retrying cannot help
			}
			select {
			case <-ctx.Done():
				return sent
			case <-time.After(pause):
			}
			pause = min(2*pause, 2*time.Second)
		}
		sent++
	}
	return sent
}
