package main

import (
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/console"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram"
	"github.com/aduan-id/aduan/bot/whatsapp"
)

// config is everything an operator can set. Each field has an environment
// variable (documented in README.md) and some have a flag of the same meaning;
// with nothing set, Aduan runs on its embedded defaults.
//
// The environment is read here and nowhere else: api, console and the channel
// adapters get typed configs, so a bad value is refused once, at start, with
// the variable's name, instead of being ignored deep inside a package.
type config struct {
	RedisURL    string
	RedisPrefix string
	Shards      int
	FlowsDir    string
	DraftTTL    time.Duration
	Listen      string
	DebugListen string // pprof (ADUAN_DEBUG_LISTEN); empty: off
	MediaDir    string
	MediaMax    int64
	LogFormat   string
	// LogLevel is "" when ADUAN_LOG_LEVEL is unset: serve logs at info, the
	// terminal chat only at warn (its screen is the conversation); see
	// logLevelOr.
	LogLevel string
	DataDir  string
	// DatabaseURL is where reports are kept: postgres://… in production;
	// empty means a SQLite file under DataDir.
	DatabaseURL string

	// The packages' own settings. Fields whose variable is unset stay zero,
	// which each package turns into its documented default, so a default
	// lives in one place only.
	API        api.Config
	Console    console.Config  // Prefix and MediaStore are set by serve
	Telegram   telegram.Config // Token empty: Telegram is off
	WhatsAppOn bool            // ADUAN_WHATSAPP
	WhatsApp   whatsapp.Config // the device store; see whatsappConfig
	Limits     map[string]bot.Limit
	Alerts     alertsSettings // ADUAN_SMTP_URL, ADUAN_ALERT_INTERVAL (alerts_config.go)
}

// databaseDSN is the report store to open: ADUAN_DATABASE_URL, or the
// embedded default, a SQLite file in the data directory.
func (c config) databaseDSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "aduan.db")
}

// logLevelOr is ADUAN_LOG_LEVEL, or def when it is unset.
func (c config) logLevelOr(def string) string {
	if c.LogLevel == "" {
		return def
	}
	return c.LogLevel
}

// flagEnv is the variable each flag of loadConfig overrides: a flag given on
// the command line makes its variable's value (good or bad) irrelevant.
var flagEnv = map[string]string{
	"flows":    "ADUAN_FLOWS_DIR",
	"redis":    "REDIS_URL",
	"listen":   "ADUAN_LISTEN",
	"database": "ADUAN_DATABASE_URL",
}

// loadConfig reads the environment, then flags of fs (already defined by the
// caller for its own options, plus the shared ones cmd takes) override it.
// Every bad setting cmd reads is reported in one error, before anything is
// opened or started. --help prints cmd's help and returns flag.ErrHelp.
func loadConfig(cmd *command, fs *flag.FlagSet, args []string) (config, error) {
	c, bad := readConfig(os.Getenv)
	bad = bad.only(cmd.env())
	shared := map[string]func(){
		"flows": func() {
			fs.StringVar(&c.FlowsDir, "flows", c.FlowsDir, "directory of flow files overriding the embedded defaults")
		},
		"redis": func() {
			fs.StringVar(&c.RedisURL, "redis", c.RedisURL, "Redis URL (redis://host:6379/0, redis-sentinel://…, a Cluster's nodes); empty: in-memory Redis")
		},
		"listen": func() {
			fs.StringVar(&c.Listen, "listen", c.Listen, "HTTP listen address (webhooks, API, console)")
		},
		"database": func() {
			fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "report database (postgres://…); empty: SQLite under ADUAN_DATA_DIR")
		},
	}
	for _, name := range cmd.flags {
		shared[name]()
	}
	if err := cmd.parse(fs, args); err != nil {
		return c, err
	}
	fs.Visit(func(f *flag.Flag) {
		name, ok := flagEnv[f.Name]
		if !ok {
			return // the caller's own flag
		}
		bad = bad.without(name)
		r := &envReader{getenv: func(string) string { return f.Value.String() }}
		switch f.Name {
		case "redis":
			r.check("--redis", "", showURL, redisURLProblem)
		case "listen":
			r.check("--listen", "", strconv.Quote, listenProblem)
		case "database":
			r.check("--database", "", showURL, databaseURLProblem)
		}
		bad = append(bad, r.bad...)
	})
	if len(bad) > 0 {
		return c, bad
	}
	return c, nil
}

// readConfig reads every setting through getenv (os.Getenv outside tests).
// It returns the config with defaults where a value was bad, and the bad
// ones, all of them, so an operator fixes the lot in one go.
func readConfig(getenv func(string) string) (config, configError) {
	r := &envReader{getenv: getenv}
	c := config{
		RedisURL:    r.check("REDIS_URL", "", showURL, redisURLProblem),
		RedisPrefix: r.check("ADUAN_REDIS_PREFIX", "aduan", strconv.Quote, prefixProblem),
		Shards: r.intIn("ADUAN_SHARDS", 16, 1, 1024,
			"want a whole number from 1 to 1024 (fixed for the life of a deployment)"),
		FlowsDir: r.str("ADUAN_FLOWS_DIR", ""),
		DraftTTL: r.duration("ADUAN_DRAFT_TTL", 7*24*time.Hour),
		Listen:   r.check("ADUAN_LISTEN", "127.0.0.1:8080", strconv.Quote, listenProblem),
		DataDir:  r.str("ADUAN_DATA_DIR", "data"),
		MediaDir: r.str("ADUAN_MEDIA_DIR", ""),
		MediaMax: int64(r.intIn("ADUAN_MEDIA_MAX_BYTES", 10<<20, 1, math.MaxInt,
			"want a positive whole number of bytes like 10485760 (10 MiB)")),
		LogFormat:   r.oneOf("ADUAN_LOG_FORMAT", "text", "text", "json"),
		LogLevel:    r.oneOf("ADUAN_LOG_LEVEL", "", "debug", "info", "warn", "error"),
		DatabaseURL: r.check("ADUAN_DATABASE_URL", "", showURL, databaseURLProblem),
	}
	if c.MediaDir == "" {
		c.MediaDir = c.DataDir + "/media"
	}
	c.DebugListen = r.check("ADUAN_DEBUG_LISTEN", "", strconv.Quote, listenProblem)

	c.Telegram = telegram.Config{
		Token:         r.secret("ADUAN_TELEGRAM_TOKEN", telegramTokenProblem),
		APIURL:        r.check("ADUAN_TELEGRAM_API_URL", "", showURL, httpURLProblem("like https://api.telegram.org or http://127.0.0.1:8081")),
		PublicURL:     r.check("ADUAN_PUBLIC_URL", "", showURL, httpURLProblem("like https://aduan.sidoarjokab.go.id")),
		WebhookSecret: r.secret("ADUAN_TELEGRAM_WEBHOOK_SECRET", telegramSecretProblem),
		MaxPhotoBytes: c.MediaMax,
	}
	c.WhatsAppOn = r.boolean("ADUAN_WHATSAPP")
	c.WhatsApp = whatsapp.Config{
		StoreDialect:  r.oneOf("ADUAN_WHATSAPP_STORE_DIALECT", "", "sqlite", "pgx"),
		StoreDSN:      r.check("ADUAN_WHATSAPP_STORE_DSN", "", showURL, nil),
		MaxPhotoBytes: c.MediaMax,
	}
	// The two must agree, or the device store fails to open only once the
	// channel starts, after Redis and the database.
	switch pg := strings.HasPrefix(c.WhatsApp.StoreDSN, "postgres://") || strings.HasPrefix(c.WhatsApp.StoreDSN, "postgresql://"); {
	case c.WhatsApp.StoreDialect == "pgx" && c.WhatsApp.StoreDSN == "":
		r.fail("ADUAN_WHATSAPP_STORE_DSN", `""`, "want a PostgreSQL DSN like postgres://aduan:PASSWORD@db:5432/aduan?sslmode=require when ADUAN_WHATSAPP_STORE_DIALECT=pgx")
	case c.WhatsApp.StoreDialect != "pgx" && pg:
		r.fail("ADUAN_WHATSAPP_STORE_DSN", showURL(c.WhatsApp.StoreDSN), "a PostgreSQL DSN needs ADUAN_WHATSAPP_STORE_DIALECT=pgx (the default is sqlite)")
	}
	c.Limits = readSendLimits(r)
	c.Alerts = readAlertsConfig(r)

	c.API = api.Config{
		ComplaintAPIURL: strings.TrimRight(r.check("ADUAN_COMPLAINT_API_URL", "", showURL,
			httpURLProblem("like https://311.example.go.id/open311/v2 (empty: the built-in complaint API)")), "/"),
		ComplaintAPIKey: r.secret("ADUAN_COMPLAINT_API_KEY", nil),
		DescriptionLimit: r.intIn("ADUAN_COMPLAINT_API_DESCRIPTION_LIMIT", 0, 1, 1_000_000,
			"want a whole number of characters from 1 to 1000000, like 4000"),
		APIKeys: r.list("ADUAN_API_KEYS", ",", true, nil),
		WebhookSecret: r.secret("ADUAN_WEBHOOK_SECRET", func(v string) string {
			if err := api.CheckWebhookSecret(v); err != nil {
				return err.Error()
			}
			return ""
		}),
		OutboundWebhookURLs:      r.list("ADUAN_WEBHOOK_URLS", ",", false, httpURLProblem("separated by commas, like https://backoffice.example.go.id/hooks/aduan")),
		PollInterval:             r.duration("ADUAN_POLL_INTERVAL", 0),
		ComplaintAPIJurisdiction: strings.TrimSpace(r.check("ADUAN_COMPLAINT_API_JURISDICTION", "", nil, nil)),
		MediaURLKey:              r.secret("ADUAN_MEDIA_URL_KEY", nil),
		Open311DescriptionLimit: r.intIn("ADUAN_OPEN311_DESCRIPTION_LIMIT", 0, 1, 1_000_000,
			"want a whole number of characters from 1 to 1000000, like 4000"),
	}

	c.Console = console.Config{
		SecureCookies: r.boolean("ADUAN_CONSOLE_SECURE_COOKIES"),
		TrustedProxies: r.list("ADUAN_TRUSTED_PROXIES", ",", false, func(v string) string {
			if _, err := console.IPExtractor([]string{v}); err != nil {
				return "want CIDRs or addresses separated by commas, like 10.0.0.0/8,127.0.0.1"
			}
			return ""
		}),
		Holidays: r.list("ADUAN_HOLIDAYS", ",", false, func(v string) string {
			if _, err := console.NewCalendar(time.UTC, []string{v}); err != nil {
				return "want dates (YYYY-MM-DD) separated by commas, like 2026-12-25,2027-01-01"
			}
			return ""
		}),
		SLAVerifyDays:  r.intIn("ADUAN_SLA_VERIFY_DAYS", 0, 1, 365, "want a whole number of working days from 1 to 365, like 3"),
		SLARespondDays: r.intIn("ADUAN_SLA_RESPOND_DAYS", 0, 1, 365, "want a whole number of working days from 1 to 365, like 5"),
		IdleTimeout:    r.duration("ADUAN_CONSOLE_IDLE_TIMEOUT", 0),
		CannedReplies:  r.list("ADUAN_CANNED_REPLIES", "|", false, nil),
		// 36500 days (a century) keeps the duration far from overflowing.
		AuditRetention: time.Duration(r.intIn("ADUAN_AUDIT_RETENTION_DAYS", 0, 1, 36500,
			"want a whole number of days from 1 to 36500, like 400")) * 24 * time.Hour,
	}
	// Open311's expected_datetime and signed media URLs use what the console
	// and Telegram already read.
	c.API.PublicURL = c.Telegram.PublicURL
	c.API.SLARespondDays, c.API.Holidays = c.Console.SLARespondDays, c.Console.Holidays
	return c, r.bad
}

// settingError is one bad setting: its name, its value as it may be shown,
// and what it accepts.
type settingError struct {
	Name    string // the variable, or the flag (--redis)
	Shown   string // the value quoted, or "(hidden)": secrets never appear
	Entry   bool   // Shown is one entry of a list, not the whole value
	Problem string // what the setting accepts
}

func (e *settingError) Error() string {
	sep := "="
	if e.Entry {
		sep = " entry "
	}
	return e.Name + sep + e.Shown + ": " + e.Problem
}

// configError is every bad setting found, so one failed start names them all.
type configError []*settingError

func (e configError) Error() string {
	if len(e) == 1 {
		return "configuration: " + e[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "configuration: %d bad settings, nothing was started:", len(e))
	for _, s := range e {
		b.WriteString("\n  " + s.Error())
	}
	return b.String()
}

func (e configError) Unwrap() []error {
	out := make([]error, len(e))
	for i, s := range e {
		out[i] = s
	}
	return out
}

// only keeps the errors of the variables in names (and of flags).
func (e configError) only(names []string) configError {
	var out configError
	for _, s := range e {
		if strings.HasPrefix(s.Name, "--") || slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// without drops the errors of name (its flag replaced it).
func (e configError) without(name string) configError {
	var out configError
	for _, s := range e {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

// envReader reads settings and collects every bad one instead of stopping
// at the first. An empty variable is an unset one: it takes the default.
type envReader struct {
	getenv func(string) string
	bad    configError
}

// hidden stands for a secret's value in errors.
const hidden = "(hidden)"

func (r *envReader) fail(name, shown, problem string) {
	r.bad = append(r.bad, &settingError{Name: name, Shown: shown, Problem: problem})
}

// str is a free-form value (a path, a name), trimmed.
func (r *envReader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

// check is str with a check: problem returns "" for a good value, else what
// the setting accepts (nil accepts anything). show renders a refused value.
func (r *envReader) check(name, def string, show func(string) string, problem func(string) string) string {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	if problem != nil {
		if p := problem(v); p != "" {
			r.fail(name, show(v), p)
			return def
		}
	}
	return v
}

// secret is a token, key or password: taken byte for byte (an HMAC key with
// a trailing space is a different key, and trimming it would break the
// signatures silently), and never repeated in an error.
func (r *envReader) secret(name string, problem func(string) string) string {
	v := r.getenv(name)
	if v != "" && problem != nil {
		if p := problem(v); p != "" {
			r.fail(name, hidden, p)
			return ""
		}
	}
	return v
}

func (r *envReader) intIn(name string, def, lo, hi int, want string) int {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, strconv.Quote(v), want)
		return def
	}
	return n
}

// duration is a positive Go duration: a zero or negative TTL, interval or
// timeout would expire everything at once or spin.
func (r *envReader) duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.fail(name, strconv.Quote(v), "want a positive Go duration like 168h or 30m (units h, m, s; there is no d: 7 days is 168h)")
		return def
	}
	return d
}

// boolean accepts the usual words in any case; anything else is refused
// rather than read as false, so ADUAN_WHATSAPP=enabled does not silently
// leave WhatsApp off.
func (r *envReader) boolean(name string) bool {
	v := strings.TrimSpace(r.getenv(name))
	switch strings.ToLower(v) {
	case "":
		return false
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	r.fail(name, strconv.Quote(v), "want 1, true, yes or on; 0, false, no or off")
	return false
}

// oneOf is an enumerated value, exact: ADUAN_LOG_FORMAT=JSON is refused, not
// quietly taken as text (as it used to be) or guessed at.
func (r *envReader) oneOf(name, def string, allowed ...string) string {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	want := "want " + orList(allowed)
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			want += " (lower case)"
			break
		}
	}
	r.fail(name, strconv.Quote(v), want)
	return def
}

// list splits on sep, trims, drops blanks and checks each entry (problem may
// be nil). A secret list's entries are never shown.
func (r *envReader) list(name, sep string, secret bool, problem func(string) string) []string {
	var out []string
	for _, p := range strings.Split(r.getenv(name), sep) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if problem != nil {
			if want := problem(p); want != "" {
				shown := showURL(p)
				if secret {
					shown = hidden
				}
				r.bad = append(r.bad, &settingError{Name: name, Shown: shown, Entry: true, Problem: want})
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// showURL quotes a URL or DSN unless it may carry credentials (user info,
// a query such as ?password= or ?token=, a key=value DSN's password=): then
// it is hidden whole, since a malformed one cannot be redacted reliably.
func showURL(v string) string {
	if strings.ContainsAny(v, "@?") || strings.Contains(strings.ToLower(v), "pass") {
		return hidden
	}
	return strconv.Quote(v)
}

func hasScheme(v string, schemes ...string) (*url.URL, bool) {
	u, err := url.Parse(v)
	if err != nil {
		return nil, false
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return u, true
		}
	}
	return u, false
}

const wantRedisURL = "want redis://[user:pass@]host:6379/0, rediss://… (TLS), redis-sentinel://[user:pass@]host:26379[,host2:26379]/mastername " +
	"or a Cluster's nodes redis://[user:pass@]host1:7000,host2:7000,host3:7000 (empty: the in-memory Redis)"

func redisURLProblem(v string) string {
	// go-redis's own parser underneath: a bad port or database number fails
	// here, not when connecting.
	if _, err := parseRedisURL(v); err != nil {
		// The reason quotes no part of the value: it may hold a password.
		return wantRedisURL + "; " + err.Error()
	}
	return ""
}

func databaseURLProblem(v string) string {
	if _, ok := hasScheme(v, "postgres", "postgresql"); !ok {
		return "want postgres://user:pass@host:5432/aduan?sslmode=require or postgresql://… (empty: a SQLite file under ADUAN_DATA_DIR)"
	}
	return ""
}

// httpURLProblem accepts an absolute http:// or https:// URL with a host.
func httpURLProblem(example string) func(string) string {
	return func(v string) string {
		if u, ok := hasScheme(v, "http", "https"); !ok || u.Host == "" {
			return "want an http:// or https:// URL " + example
		}
		return ""
	}
}

func listenProblem(v string) string {
	const want = "want host:port like 127.0.0.1:8080 or :8080"
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return want
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return want
	}
	return ""
}

// prefixProblem refuses what would break the keys: braces would change the
// {s7} hash tags that keep a conversation's keys in one Cluster slot.
func prefixProblem(v string) string {
	if strings.ContainsAny(v, "{} \t\r\n") {
		return "want a key prefix without spaces or braces (braces break the {shard} hash tags), like aduan"
	}
	return ""
}

var telegramToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

func telegramTokenProblem(v string) string {
	if !telegramToken.MatchString(v) {
		return "want the token from @BotFather: digits, a colon, then letters, digits, _ or - (no spaces or line ends)"
	}
	return ""
}

var telegramSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func telegramSecretProblem(v string) string {
	if !telegramSecret.MatchString(v) {
		return "want 1 to 256 characters of A-Z a-z 0-9 _ - (Telegram's rule for a webhook secret)"
	}
	return ""
}

// newLogger builds the one logger of the process: JSON in production, text
// in a terminal. format and level were checked by readConfig; an empty
// level is info. Records logged with a request's context carry its id
// (httplog.go).
func newLogger(format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if format == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	}
	// A record logged with an HTTP request's context carries its id.
	return slog.New(contextHandler{h})
}
