package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aduan-id/aduan/api/open311"
	"github.com/aduan-id/aduan/bot/queue"
)

// WebhookSender delivers queued outbound webhooks (HookEvent JSON) with the
// forwarder's retry machinery: backoff with jitter, Retry-After, dead letters
// for 4xx other than 408/429 and for too many attempts, takeover of entries a
// dead process left. Each attempt is signed twice, with one timestamp:
// Standard Webhooks 1.0 (webhook-id = the event id, webhook-timestamp,
// webhook-signature "v1,<base64>" over id.timestamp.body) and the legacy
// X-Aduan-Timestamp / X-Aduan-Signature / X-Aduan-Event-Id, kept for one
// release.
type WebhookSender struct {
	svc    *Service
	cfg    Config
	http   *http.Client
	worker *queue.Worker
	perURL *perTarget
	key    []byte // the Standard Webhooks key (see WebhookKey)
	keyErr error  // a malformed whsec_ secret: every delivery is dead-lettered with it
}

const groupWebhooks = "webhooks"

// webhooksPerURL bounds the deliveries in flight to one receiver, so one
// slow receiver neither stalls the others nor is flooded.
const webhooksPerURL = 2

// NewWebhookSender returns a sender; run it with Run in one goroutine.
func NewWebhookSender(svc *Service, cfg Config) *WebhookSender {
	cfg = cfg.withDefaults()
	w := &WebhookSender{svc: svc, cfg: cfg, http: &http.Client{Timeout: cfg.HTTPTimeout},
		perURL: newPerTarget(webhooksPerURL)}
	w.key, w.keyErr = WebhookKey(cfg.WebhookSecret)
	if w.keyErr != nil {
		svc.log.Error("outbound webhooks cannot be signed; they go to the dead letters until the secret is fixed",
			"err", w.keyErr)
	}
	w.worker = svc.newWorker(cfg, DeadWebhook, groupWebhooks, svc.k.hookStream(), cfg.WebhookConcurrency, w.handle,
		func(m queue.Message) queue.Description {
			return queue.Description{Number: m.Values["number"], Target: redactURL(m.Values["url"]),
				Log: []any{"event_id", m.Values["event_id"]}}
		}, nil, svc.log.With("component", "webhooks"))
	return w
}

// Run sends until ctx ends.
func (w *WebhookSender) Run(ctx context.Context) error { return w.worker.Run(ctx) }

func (w *WebhookSender) handle(ctx context.Context, m queue.Message) error {
	u, body, id := m.Values["url"], m.Values["body"], m.Values["event_id"]
	if u == "" {
		return queue.Permanent(fmt.Errorf("webhook entry without url"))
	}
	if w.keyErr != nil {
		return queue.Permanent(w.keyErr)
	}
	release, err := w.perURL.acquire(ctx, u)
	if err != nil {
		return err
	}
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader([]byte(body)))
	if err != nil {
		return queue.Permanent(fmt.Errorf("webhook request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	setWebhookHeaders(req.Header, w.cfg.WebhookSecret, w.key, id, time.Now().Unix(), []byte(body))
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

// setWebhookHeaders signs an outbound webhook both ways at ts: Standard
// Webhooks with key, the legacy headers with secret as configured.
func setWebhookHeaders(h http.Header, secret string, key []byte, id string, ts int64, body []byte) {
	h.Set(HeaderWebhookID, id)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderWebhookSignature, signStandard(key, id, ts, body))
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, Sign(secret, ts, body))
	h.Set(HeaderEventID, id)
}

// perTarget limits concurrent work per key (a receiving URL).
type perTarget struct {
	mu    sync.Mutex
	limit int
	sems  map[string]chan struct{}
}

func newPerTarget(limit int) *perTarget {
	return &perTarget{limit: limit, sems: map[string]chan struct{}{}}
}

func (p *perTarget) acquire(ctx context.Context, key string) (release func(), err error) {
	p.mu.Lock()
	sem, ok := p.sems[key]
	if !ok {
		sem = make(chan struct{}, p.limit)
		p.sems[key] = sem
	}
	p.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
