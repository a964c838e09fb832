package api

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/queue"
)

// Config is the complaint side's configuration. cmd/aduan fills it from the
// environment, validated there, so that every setting is read in one place
// and a bad value stops the start instead of being ignored here; zero fields
// take the defaults below.
type Config struct {
	// ComplaintAPIURL is an external Open311 endpoint root (e.g.
	// "https://311.example.go.id/open311/v2"). Empty: the built-in server is
	// the complaint API and forwarding is recording the report as delivered to
	// its agency in the built-in store.
	ComplaintAPIURL string
	ComplaintAPIKey string
	// DescriptionLimit is the longest description the complaint API accepts
	// (characters); longer ones are cut at a sentence boundary, the full text
	// staying in Aduan (default DefaultDescriptionLimit for an external API;
	// the built-in one takes anything).
	DescriptionLimit int
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
	// Policy is the forwarder's and the webhook sender's retry policy (the
	// one of bot/queue: Retry-After honoured and capped, 4xx dead at once,
	// transient failures retried for up to 3 days).
	Policy queue.Policy
	// ForwardConcurrency is how many reports are filed with the complaint API
	// at once (default 4), so one slow report does not stall the rest;
	// WebhookConcurrency likewise for webhooks (default 8 in all, at most 2
	// per receiving URL).
	ForwardConcurrency int
	WebhookConcurrency int
	// Block is how long a worker waits on an empty stream (default 2 s).
	Block time.Duration
	// ReclaimIdle: an entry idle this long at a consumer is taken over, its
	// process presumed dead (default 2 min).
	ReclaimIdle time.Duration
	// Metrics receives the queues' figures (nil: none).
	Metrics *queue.Metrics
	// Consumer names this process in the consumer groups (default: random
	// per process; a stable name lets a restarted process resume its own
	// pending entries at once instead of after ReclaimIdle).
	Consumer string

	// ComplaintAPIJurisdiction is the jurisdiction_id sent to the external
	// complaint API with every request (ADUAN_COMPLAINT_API_JURISDICTION;
	// empty: none is sent).
	ComplaintAPIJurisdiction string
	// PublicURL is where this service is reached from outside
	// (ADUAN_PUBLIC_URL, e.g. "https://aduan.sidoarjokab.go.id"): the base of
	// discovery's endpoint URL and of the signed photo URLs (media_url).
	// Empty: no media_url anywhere, and discovery names the request's host.
	PublicURL string
	// MediaStore holds the citizens' photos, which the signed media URLs
	// serve (nil: no media_url).
	MediaStore bot.MediaStore
	// MediaURLKey signs media URLs (HMAC-SHA256; ADUAN_MEDIA_URL_KEY).
	// Empty: a key derived from WebhookSecret; both empty: no media_url.
	MediaURLKey string
	// MediaURLTTL is how long a media_url of a public GET stays valid
	// (default 24 h; it changes at most hourly, so answers cache);
	// ForwardMediaURLTTL, one sent to the complaint API (default 30 days).
	MediaURLTTL        time.Duration
	ForwardMediaURLTTL time.Duration
	// Open311DescriptionLimit is the longest description (characters) the
	// built-in server's POST accepts (default 4000, as the spec says).
	Open311DescriptionLimit int
	// SLARespondDays and Holidays give Open311's expected_datetime of an
	// open request: the end of the SLARespondDays-th working day (Monday to
	// Friday except Holidays, YYYY-MM-DD, in the region's zone) after it was
	// filed. The console's ADUAN_SLA_RESPOND_DAYS (default 5) and
	// ADUAN_HOLIDAYS.
	SLARespondDays int
	Holidays       []string
}

func (c Config) withDefaults() Config {
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Minute
	}
	if c.HTTPTimeout <= 0 {
		c.HTTPTimeout = 30 * time.Second
	}
	if c.DescriptionLimit <= 0 {
		c.DescriptionLimit = DefaultDescriptionLimit
	}
	if c.ForwardConcurrency <= 0 {
		c.ForwardConcurrency = 4
	}
	if c.WebhookConcurrency <= 0 {
		c.WebhookConcurrency = 8
	}
	if c.ReclaimIdle <= 0 {
		c.ReclaimIdle = 2 * time.Minute
	}
	c.ComplaintAPIURL = strings.TrimRight(c.ComplaintAPIURL, "/")
	return c
}

// splitList splits a comma-separated list, dropping blanks (the tests' fake
// Open311 server reads id lists with it).
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
	RegisterOpen311With(e.Group(Open311Root), svc, cfg)
	RegisterWebhooks(e, svc, cfg.WebhookSecret)
}

// Open311Root is where Register mounts the Open311 server.
const Open311Root = "/open311/v2"
