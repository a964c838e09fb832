package telegram

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	tgmodels "github.com/go-telegram/bot/models"
)

// Defaults of Config.
const (
	DefaultAPIURL        = "https://api.telegram.org"
	DefaultWebhookPath   = "/telegram/webhook"
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxPhotoBytes = 10 << 20
	// pollTimeout is the long-poll wait asked of getUpdates.
	pollTimeout = 30
)

// DefaultAllowedUpdates are the update kinds the adapter handles.
var DefaultAllowedUpdates = []string{
	tgmodels.AllowedUpdateMessage,
	tgmodels.AllowedUpdateEditedMessage,
	tgmodels.AllowedUpdateCallbackQuery,
	tgmodels.AllowedUpdateMyChatMember,
}

// Config configures the adapter.
type Config struct {
	Token string // from BotFather; never logged
	// APIURL is the Bot API server (default https://api.telegram.org; a local
	// telegram-bot-api server or a fake in tests).
	APIURL string
	// PublicURL is the public base URL of this service. Set: webhook mode
	// (Setup registers PublicURL + the webhook path). Empty: long polling.
	PublicURL string
	// WebhookSecret is sent by Telegram in X-Telegram-Bot-Api-Secret-Token:
	// 1-256 characters of A-Z a-z 0-9 _ -. When empty in webhook mode, one is
	// derived from the token (HMAC), so every replica computes the same one.
	WebhookSecret string
	// MaxBodyBytes limits a webhook request body (default 1 MiB; 413 above).
	MaxBodyBytes int64
	// MaxPhotoBytes limits a downloaded photo (default 10 MiB).
	MaxPhotoBytes int64
	// AllowedUpdates is sent with setWebhook and getUpdates.
	AllowedUpdates []string
}

// withDefaults fills in defaults and validates.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.Token) == "" {
		return c, fmt.Errorf("telegram config: empty token")
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if _, err := url.ParseRequestURI(c.APIURL); err != nil {
		return c, fmt.Errorf("telegram config: bad API URL: %w", err)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return c, fmt.Errorf("telegram config: bad public URL %q", c.PublicURL)
		}
		if c.WebhookSecret == "" {
			c.WebhookSecret = deriveSecret(c.Token)
		}
	}
	if c.WebhookSecret != "" && !validSecret(c.WebhookSecret) {
		return c, fmt.Errorf("telegram config: webhook secret must be 1-256 characters of A-Z a-z 0-9 _ -")
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxPhotoBytes <= 0 {
		c.MaxPhotoBytes = DefaultMaxPhotoBytes
	}
	if len(c.AllowedUpdates) == 0 {
		c.AllowedUpdates = DefaultAllowedUpdates
	}
	return c, nil
}

// validSecret reports whether s is an acceptable secret_token.
func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// deriveSecret makes a webhook secret from the token: stable across replicas
// and restarts, and not guessable without the token.
func deriveSecret(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("aduan telegram webhook secret v1"))
	return hex.EncodeToString(m.Sum(nil))
}
