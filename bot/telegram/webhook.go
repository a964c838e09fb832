package telegram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"time"

	tgmodels "github.com/go-telegram/bot/models"
	"github.com/labstack/echo/v4"
)

// processTimeout bounds the work on one webhook update (Telegram waits about
// a minute for the answer).
const processTimeout = 45 * time.Second

// SecretHeader carries the webhook secret in Telegram's requests.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Register adds the webhook route (POST only) to e. An empty path means
// DefaultWebhookPath. Call it before Setup, which tells Telegram the URL; if
// Setup already told Telegram another path, the webhook is moved to this one
// (in the background, logged).
func (a *Adapter) Register(e *echo.Echo, path string) {
	if path == "" {
		path = DefaultWebhookPath
	}
	a.mu.Lock()
	a.webhookPath = path
	told := a.webhookSet
	a.mu.Unlock()
	e.POST(path, a.webhook)
	if a.cfg.PublicURL != "" && told != "" && told != path {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := a.setWebhook(ctx, path); err != nil {
				a.log.Error("telegram: moving the webhook to the registered route failed", "path", path, "err", a.errorString(err))
			}
		}()
	}
}

// webhook answers Telegram only after the update was committed:
//   - wrong or missing secret: 401, nothing read;
//   - body over the limit: 413;
//   - a body that is not an update: 200 (a retry cannot help), counted;
//   - handler error (Redis down): 503, so Telegram delivers it again;
//   - otherwise 200 once the handler returned.
//
// Bodies and texts are never logged.
func (a *Adapter) webhook(c echo.Context) error {
	req := c.Request()
	if !a.secretOK(req.Header.Get(SecretHeader)) {
		a.stats.unauthorized.Add(1)
		return c.NoContent(http.StatusUnauthorized)
	}
	limit := a.cfg.MaxBodyBytes
	if req.ContentLength > limit {
		a.stats.tooLarge.Add(1)
		return c.NoContent(http.StatusRequestEntityTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	if err != nil {
		a.stats.failed.Add(1)
		return c.NoContent(http.StatusBadRequest) // the connection broke; Telegram retries
	}
	if int64(len(body)) > limit {
		a.stats.tooLarge.Add(1)
		return c.NoContent(http.StatusRequestEntityTooLarge)
	}
	var u tgmodels.Update
	if err := json.Unmarshal(body, &u); err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		a.stats.malformed.Add(1)
		a.log.Warn("telegram webhook: body is not an update", "bytes", len(body))
		return c.NoContent(http.StatusOK)
	}
	// Finish the work even if Telegram hangs up: the commit is what matters,
	// and a finished commit makes the redelivery a cheap duplicate.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), processTimeout)
	defer cancel()
	if err := a.process(ctx, &u); err != nil {
		a.log.Error("telegram webhook: update not committed, Telegram will retry", "update", u.ID, "err", a.errorString(err))
		return c.NoContent(http.StatusServiceUnavailable)
	}
	return c.NoContent(http.StatusOK)
}

// secretOK compares the header with the secret in constant time (hashing
// both first, so not even the length leaks).
func (a *Adapter) secretOK(got string) bool {
	if a.cfg.WebhookSecret == "" || got == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(a.cfg.WebhookSecret))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
