package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/aduan-id/aduan/bot"
)

// Adapter connects one Telegram bot to the messaging core.
type Adapter struct {
	cfg     Config
	api     *tg.Bot
	http    *http.Client // getUpdates and file downloads
	handler bot.Handler
	media   bot.MediaStore
	texts   Texts
	log     *slog.Logger
	stats   counters

	mu          sync.Mutex
	webhookPath string // the route (Register), or DefaultWebhookPath
	webhookSet  string // the path Telegram was last told (setWebhook)
	// partial counts the pieces of a split message already delivered, by
	// outbound ID, so a retry does not repeat them.
	partial map[string]int
	// admin takes /start adm_<code> from admins linking alerts (adminlink.go).
	admin adminHook
}

var _ bot.Sender = (*Adapter)(nil)

// sendTimeout bounds one Bot API call other than getUpdates.
const sendTimeout = 30 * time.Second

// New builds an adapter. It does no network I/O: Setup talks to Telegram.
// log should carry the channel attribute already.
func New(ctx context.Context, cfg Config, handler bot.Handler, media bot.MediaStore, texts Texts, log *slog.Logger) (*Adapter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if handler == nil {
		return nil, fmt.Errorf("telegram: nil handler")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		cfg:         cfg,
		http:        &http.Client{Timeout: (pollTimeout + 15) * time.Second},
		handler:     handler,
		media:       media,
		texts:       texts,
		log:         log,
		webhookPath: DefaultWebhookPath,
	}
	a.api, err = tg.New(cfg.Token,
		tg.WithServerURL(cfg.APIURL),
		tg.WithSkipGetMe(),
		tg.WithHTTPClient(sendTimeout, &http.Client{Timeout: sendTimeout}),
		tg.WithErrorsHandler(func(err error) {
			log.Warn("telegram library error", "err", redact(err.Error(), cfg.Token))
		}),
		tg.WithDebugHandler(func(string, ...any) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: create client: %w", err)
	}
	return a, nil
}

// WebhookSecret is the secret Telegram must send (derived from the token when
// not configured). Empty in polling mode without a configured secret.
func (a *Adapter) WebhookSecret() string { return a.cfg.WebhookSecret }

// Polling reports whether the adapter runs without a public URL (RunPolling).
func (a *Adapter) Polling() bool { return a.cfg.PublicURL == "" }

// redact removes the token from s (URLs of the Bot API contain it).
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

// undecodable is how go-telegram/bot starts an error about a response it
// could not decode; the response body follows it.
const undecodable = "error decode response body for method "

// errorString is err's text for logs: without the token, and without the
// response body go-telegram/bot quotes when it cannot decode one (a proxy's
// page, or anything else we must not log).
func (a *Adapter) errorString(err error) string {
	s := redact(err.Error(), a.cfg.Token)
	if i := strings.Index(s, undecodable); i >= 0 {
		method, _, _ := strings.Cut(s[i+len(undecodable):], ",")
		s = s[:i] + undecodable + method + ": response is not Bot API JSON"
	}
	return s
}
