package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api/open311"
)

// WebhookSender delivers queued outbound webhooks (HookEvent JSON, signed
// like inbound ones, X-Aduan-Event-Id for the receiver's dedup) with the
// forwarder's retry machinery: backoff with jitter, Retry-After, dead letters
// for 4xx other than 408/429 and for too many attempts, takeover of entries a
// dead process left.
type WebhookSender struct {
	svc  *Service
	cfg  Config
	http *http.Client
	box  *outbox
}

const groupWebhooks = "webhooks"

// NewWebhookSender returns a sender; run it with Run in one goroutine.
func NewWebhookSender(svc *Service, cfg Config) *WebhookSender {
	cfg = cfg.withDefaults()
	w := &WebhookSender{svc: svc, cfg: cfg, http: &http.Client{Timeout: cfg.HTTPTimeout}}
	consumer := cfg.Consumer
	if consumer == "" {
		consumer = consumerName("hook")
	}
	w.box = &outbox{
		svc: svc, stream: svc.k.hookStream(), group: groupWebhooks, consumer: consumer, kind: DeadWebhook,
		retry: cfg.Retry, handle: w.handle, log: svc.log.With("component", "webhooks"),
		target: func(m redis.XMessage) string { s, _ := m.Values["url"].(string); return s },
	}
	return w
}

// Run sends until ctx ends.
func (w *WebhookSender) Run(ctx context.Context) error { return w.box.run(ctx) }

func (w *WebhookSender) handle(ctx context.Context, m redis.XMessage) error {
	u, _ := m.Values["url"].(string)
	body, _ := m.Values["body"].(string)
	id, _ := m.Values["event_id"].(string)
	if u == "" {
		return permanent(fmt.Errorf("webhook entry without url"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader([]byte(body)))
	if err != nil {
		return permanent(fmt.Errorf("webhook request: %w", err))
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(w.cfg.WebhookSecret, ts, []byte(body)))
	req.Header.Set(HeaderEventID, id)
	resp, err := w.http.Do(req)
	if err != nil {
		return fmt.Errorf("webhook post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return classify(&open311.StatusError{Code: resp.StatusCode,
		RetryAfter: open311.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())})
}
