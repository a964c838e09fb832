package api

import (
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Config is the complaint side's configuration, for cmd/aduan to fill
// (ConfigFromEnv reads the environment).
type Config struct {
	// ComplaintAPIURL is an external Open311 endpoint root (e.g.
	// "https://311.example.go.id/open311/v2"). Empty: the built-in server is
	// the complaint API and forwarding is recording the report as delivered to
	// its agency in the built-in store.
	ComplaintAPIURL string
	ComplaintAPIKey string
	// APIKeys are the api_key values the built-in server's POST accepts.
	APIKeys []string
	// WebhookSecret signs webhooks in both directions (HMAC-SHA256). Empty:
	// the inbound webhook refuses everything.
	WebhookSecret string
	// OutboundWebhookURLs receive report.created, report.information_added,
	// report.rated (and report.answered, report.reopened).
	OutboundWebhookURLs []string
	// PollInterval is how often the poller asks an external server about open
	// reports (default 5 min; only with ComplaintAPIURL).
	PollInterval time.Duration
	// HTTPTimeout bounds one call to the complaint API or a webhook URL
	// (default 30 s).
	HTTPTimeout time.Duration
	// Retry is the forwarder's and the webhook sender's retry policy.
	Retry Retry
	// Consumer names this process in the consumer groups (default: random
	// per process; a stable name lets a restarted process resume its own
	// pending entries at once instead of after Retry.ReclaimIdle).
	Consumer string
}

// Environment variables of ConfigFromEnv.
const (
	EnvComplaintAPIURL = "ADUAN_COMPLAINT_API_URL"
	EnvComplaintAPIKey = "ADUAN_COMPLAINT_API_KEY"
	EnvAPIKeys         = "ADUAN_API_KEYS" // comma separated
	EnvWebhookSecret   = "ADUAN_WEBHOOK_SECRET"
	EnvWebhookURLs     = "ADUAN_WEBHOOK_URLS"  // comma separated
	EnvPollInterval    = "ADUAN_POLL_INTERVAL" // Go duration, e.g. 5m
)

// ConfigFromEnv reads the ADUAN_* variables above; bad durations keep the
// default.
func ConfigFromEnv() Config {
	c := Config{
		ComplaintAPIURL:     strings.TrimRight(strings.TrimSpace(os.Getenv(EnvComplaintAPIURL)), "/"),
		ComplaintAPIKey:     os.Getenv(EnvComplaintAPIKey),
		APIKeys:             splitList(os.Getenv(EnvAPIKeys)),
		WebhookSecret:       os.Getenv(EnvWebhookSecret),
		OutboundWebhookURLs: splitList(os.Getenv(EnvWebhookURLs)),
	}
	if d, err := time.ParseDuration(os.Getenv(EnvPollInterval)); err == nil && d > 0 {
		c.PollInterval = d
	}
	return c
}

func (c Config) withDefaults() Config {
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Minute
	}
	if c.HTTPTimeout <= 0 {
		c.HTTPTimeout = 30 * time.Second
	}
	c.Retry = c.Retry.withDefaults()
	c.ComplaintAPIURL = strings.TrimRight(c.ComplaintAPIURL, "/")
	return c
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Register mounts the built-in Open311 server under /open311/v2 and the
// inbound webhook (POST /webhooks/reports) on e.
func Register(e *echo.Echo, svc *Service, cfg Config) {
	RegisterOpen311(e.Group(Open311Root), svc, cfg.APIKeys)
	RegisterWebhooks(e, svc, cfg.WebhookSecret)
}

// Open311Root is where Register mounts the Open311 server.
const Open311Root = "/open311/v2"
