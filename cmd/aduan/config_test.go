package main

import (
	"context"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot"
)

func readMap(env map[string]string) (config, configError) {
	return readConfig(func(k string) string { return env[k] })
}

func badNames(e configError) []string {
	var out []string
	for _, s := range e {
		out = append(out, s.Name)
	}
	return out
}

// With nothing set, Aduan runs on the defaults README.md documents; the
// packages' own settings stay zero so api and console apply theirs.
func TestConfigDefaults(t *testing.T) {
	c, bad := readMap(nil)
	if len(bad) != 0 {
		t.Fatalf("errors with an empty environment: %v", bad)
	}
	want := config{
		RedisPrefix: "aduan", Shards: 16, DraftTTL: 168 * time.Hour, Listen: "127.0.0.1:8080",
		DataDir: "data", MediaDir: "data/media", MediaMax: 10 << 20, LogFormat: "text",
	}
	want.Telegram.MaxPhotoBytes, want.WhatsApp.MaxPhotoBytes = 10<<20, 10<<20
	want.Limits = bot.DefaultLimits()
	if !reflect.DeepEqual(c, want) {
		t.Errorf("config =\n%+v\nwant\n%+v", c, want)
	}
	if c.logLevelOr("warn") != "warn" || c.databaseDSN() != "sqlite:"+filepath.Join("data", "aduan.db") {
		t.Errorf("logLevelOr = %q, databaseDSN = %q", c.logLevelOr("warn"), c.databaseDSN())
	}
}

// Good values of every variable end up, typed, where the packages read them.
func TestConfigGoodValues(t *testing.T) {
	tests := []struct {
		env   map[string]string
		check func(c config) bool
	}{
		{map[string]string{"REDIS_URL": "redis://:pw@10.0.0.5:6379/2"}, func(c config) bool { return c.RedisURL == "redis://:pw@10.0.0.5:6379/2" }},
		{map[string]string{"REDIS_URL": "rediss://redis.internal:6380/0"}, func(c config) bool { return c.RedisURL == "rediss://redis.internal:6380/0" }},
		{map[string]string{"REDIS_URL": "redis-sentinel://10.0.0.11:26379,10.0.0.12:26379/aduan"}, func(c config) bool {
			return c.RedisURL == "redis-sentinel://10.0.0.11:26379,10.0.0.12:26379/aduan"
		}},
		{map[string]string{"REDIS_URL": "redis://:pw@n1:7000,n2:7000,n3:7000"}, func(c config) bool { return c.RedisURL == "redis://:pw@n1:7000,n2:7000,n3:7000" }},
		{map[string]string{"ADUAN_DEBUG_LISTEN": "127.0.0.1:6060"}, func(c config) bool { return c.DebugListen == "127.0.0.1:6060" }},
		{map[string]string{"ADUAN_REDIS_PREFIX": "sidoarjo:aduan"}, func(c config) bool { return c.RedisPrefix == "sidoarjo:aduan" }},
		{map[string]string{"ADUAN_SHARDS": " 64 "}, func(c config) bool { return c.Shards == 64 }},
		{map[string]string{"ADUAN_SHARDS": "1"}, func(c config) bool { return c.Shards == 1 }},
		{map[string]string{"ADUAN_SHARDS": "1024"}, func(c config) bool { return c.Shards == 1024 }},
		{map[string]string{"ADUAN_LISTEN": ":9090"}, func(c config) bool { return c.Listen == ":9090" }},
		{map[string]string{"ADUAN_LISTEN": "[::1]:8080"}, func(c config) bool { return c.Listen == "[::1]:8080" }},
		{map[string]string{"ADUAN_FLOWS_DIR": "/etc/aduan/flows"}, func(c config) bool { return c.FlowsDir == "/etc/aduan/flows" }},
		{map[string]string{"ADUAN_DRAFT_TTL": "72h"}, func(c config) bool { return c.DraftTTL == 72*time.Hour }},
		{map[string]string{"ADUAN_DATABASE_URL": "postgres://aduan:pw@db:5432/aduan?sslmode=require"}, func(c config) bool {
			return c.DatabaseURL == "postgres://aduan:pw@db:5432/aduan?sslmode=require" && c.databaseDSN() == c.DatabaseURL
		}},
		{map[string]string{"ADUAN_DATABASE_URL": "postgresql:///aduan?host=/run/postgresql"}, func(c config) bool { return c.DatabaseURL != "" }},
		{map[string]string{"ADUAN_DATA_DIR": "/var/lib/aduan"}, func(c config) bool {
			return c.DataDir == "/var/lib/aduan" && c.MediaDir == "/var/lib/aduan/media"
		}},
		{map[string]string{"ADUAN_MEDIA_DIR": "/srv/photos"}, func(c config) bool { return c.MediaDir == "/srv/photos" }},
		{map[string]string{"ADUAN_MEDIA_MAX_BYTES": "5242880"}, func(c config) bool {
			return c.MediaMax == 5<<20 && c.Telegram.MaxPhotoBytes == 5<<20 && c.WhatsApp.MaxPhotoBytes == 5<<20
		}},
		{map[string]string{"ADUAN_LOG_FORMAT": "json", "ADUAN_LOG_LEVEL": "debug"}, func(c config) bool {
			return c.LogFormat == "json" && c.LogLevel == "debug" && c.logLevelOr("warn") == "debug"
		}},
		{map[string]string{"ADUAN_TELEGRAM_TOKEN": "123456789:AAFake_token-x", "ADUAN_PUBLIC_URL": "https://aduan.sidoarjokab.go.id",
			"ADUAN_TELEGRAM_API_URL": "http://127.0.0.1:8081", "ADUAN_TELEGRAM_WEBHOOK_SECRET": "s3cret_-X"}, func(c config) bool {
			tg := c.Telegram
			return tg.Token == "123456789:AAFake_token-x" && tg.PublicURL == "https://aduan.sidoarjokab.go.id" &&
				tg.APIURL == "http://127.0.0.1:8081" && tg.WebhookSecret == "s3cret_-X"
		}},
		{map[string]string{"ADUAN_TELEGRAM_RATE_CHAT": "2", "ADUAN_WHATSAPP_RATE_GLOBAL": "5"}, func(c config) bool {
			return c.Limits[bot.ChannelTelegram].PerChatPerSecond == 2 && c.Limits[bot.ChannelWhatsApp].GlobalPerSecond == 5
		}},
		{map[string]string{"ADUAN_WHATSAPP": "1"}, func(c config) bool { return c.WhatsAppOn }},
		{map[string]string{"ADUAN_WHATSAPP": "Yes"}, func(c config) bool { return c.WhatsAppOn }},
		{map[string]string{"ADUAN_WHATSAPP": "on"}, func(c config) bool { return c.WhatsAppOn }},
		{map[string]string{"ADUAN_WHATSAPP": "off"}, func(c config) bool { return !c.WhatsAppOn }},
		{map[string]string{"ADUAN_WHATSAPP": "0"}, func(c config) bool { return !c.WhatsAppOn }},
		{map[string]string{"ADUAN_WHATSAPP_STORE_DIALECT": "pgx", "ADUAN_WHATSAPP_STORE_DSN": "postgres://wa:pw@db/aduan"}, func(c config) bool {
			return c.WhatsApp.StoreDialect == "pgx" && c.WhatsApp.StoreDSN == "postgres://wa:pw@db/aduan"
		}},
		{map[string]string{"ADUAN_WHATSAPP_STORE_DIALECT": "sqlite", "ADUAN_WHATSAPP_STORE_DSN": "file:/srv/wa.db?_pragma=foreign_keys(1)"}, func(c config) bool {
			return whatsappConfig(c).StoreDSN == "file:/srv/wa.db?_pragma=foreign_keys(1)"
		}},
		{map[string]string{"ADUAN_DATA_DIR": "/var/lib/aduan"}, func(c config) bool {
			return strings.HasPrefix(whatsappConfig(c).StoreDSN, "file:"+filepath.Join("/var/lib/aduan", "whatsapp.db")+"?")
		}},
		{map[string]string{"ADUAN_COMPLAINT_API_URL": "https://311.example.go.id/open311/v2/", "ADUAN_COMPLAINT_API_KEY": " key with spaces ",
			"ADUAN_COMPLAINT_API_DESCRIPTION_LIMIT": "2000"}, func(c config) bool {
			return c.API.ComplaintAPIURL == "https://311.example.go.id/open311/v2" && c.API.ComplaintAPIKey == " key with spaces " &&
				c.API.DescriptionLimit == 2000
		}},
		{map[string]string{"ADUAN_API_KEYS": " k1, ,k2 ", "ADUAN_WEBHOOK_SECRET": "hmac-secret",
			"ADUAN_WEBHOOK_URLS": "https://a.example/hook, http://10.0.0.9:8000/in", "ADUAN_POLL_INTERVAL": "90s"}, func(c config) bool {
			return slices.Equal(c.API.APIKeys, []string{"k1", "k2"}) && c.API.WebhookSecret == "hmac-secret" &&
				slices.Equal(c.API.OutboundWebhookURLs, []string{"https://a.example/hook", "http://10.0.0.9:8000/in"}) &&
				c.API.PollInterval == 90*time.Second
		}},
		{map[string]string{"ADUAN_CONSOLE_SECURE_COOKIES": "TRUE", "ADUAN_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1",
			"ADUAN_HOLIDAYS": "2026-12-25,2027-01-01", "ADUAN_SLA_VERIFY_DAYS": "2", "ADUAN_SLA_RESPOND_DAYS": "7",
			"ADUAN_CONSOLE_IDLE_TIMEOUT": "30m", "ADUAN_CANNED_REPLIES": "Satu | Dua|", "ADUAN_AUDIT_RETENTION_DAYS": "30"}, func(c config) bool {
			k := c.Console
			return k.SecureCookies && slices.Equal(k.TrustedProxies, []string{"10.0.0.0/8", "127.0.0.1", "::1"}) &&
				slices.Equal(k.Holidays, []string{"2026-12-25", "2027-01-01"}) && k.SLAVerifyDays == 2 && k.SLARespondDays == 7 &&
				k.IdleTimeout == 30*time.Minute && slices.Equal(k.CannedReplies, []string{"Satu", "Dua"}) &&
				k.AuditRetention == 30*24*time.Hour
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(slices.Sorted(maps.Keys(tt.env)), "+"), func(t *testing.T) {
			c, bad := readMap(tt.env)
			if len(bad) != 0 {
				t.Fatalf("errors: %v", bad)
			}
			if !tt.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

// Every variable's bad values stop the start with an error naming the
// variable, the value (a secret's never) and what it accepts.
func TestConfigBadValues(t *testing.T) {
	tests := []struct {
		name, value string
		also        map[string]string // other variables set alongside
		secret      bool              // the value must not appear
		shown       string            // what must appear instead of the quoted value ("" = strconv.Quote(value))
	}{
		{name: "REDIS_URL", value: "localhost:6379"},
		{name: "REDIS_URL", value: "http://localhost:6379"},
		{name: "REDIS_URL", value: "unix:///run/redis.sock"},
		{name: "REDIS_URL", value: "redis://localhost:port/0"},
		{name: "REDIS_URL", value: "redis://:s3cretpw@localhost:6379/zero", secret: true},
		{name: "REDIS_URL", value: "redis-sentinel://:s3cretpw@s1:26379", secret: true},
		{name: "REDIS_URL", value: "redis://:s3cretpw@n1:7000,n2:7000/1", secret: true},
		{name: "ADUAN_DEBUG_LISTEN", value: "6060"},
		{name: "ADUAN_REDIS_PREFIX", value: "my app"},
		{name: "ADUAN_REDIS_PREFIX", value: "aduan{x}"},
		{name: "ADUAN_SHARDS", value: "abc"},
		{name: "ADUAN_SHARDS", value: "0"},
		{name: "ADUAN_SHARDS", value: "1025"},
		{name: "ADUAN_SHARDS", value: "16.5"},
		{name: "ADUAN_LISTEN", value: "8080"},
		{name: "ADUAN_LISTEN", value: "localhost"},
		{name: "ADUAN_LISTEN", value: "127.0.0.1:99999"},
		{name: "ADUAN_DRAFT_TTL", value: "7d"},
		{name: "ADUAN_DRAFT_TTL", value: "0"},
		{name: "ADUAN_DRAFT_TTL", value: "-1h"},
		{name: "ADUAN_DATABASE_URL", value: "/var/lib/aduan/aduan.db"},
		{name: "ADUAN_DATABASE_URL", value: "sqlite:data/aduan.db"},
		{name: "ADUAN_DATABASE_URL", value: "mysql://aduan:s3cretpw@db/aduan", secret: true},
		{name: "ADUAN_DATABASE_URL", value: "host=db user=aduan password=s3cretpw", secret: true},
		{name: "ADUAN_MEDIA_MAX_BYTES", value: "0"},
		{name: "ADUAN_MEDIA_MAX_BYTES", value: "-5"},
		{name: "ADUAN_MEDIA_MAX_BYTES", value: "10MB"},
		{name: "ADUAN_LOG_FORMAT", value: "JSON"},
		{name: "ADUAN_LOG_FORMAT", value: "logfmt"},
		{name: "ADUAN_LOG_LEVEL", value: "INFO"},
		{name: "ADUAN_LOG_LEVEL", value: "warning"},
		{name: "ADUAN_TELEGRAM_TOKEN", value: "not-a-s3cret-token", secret: true},
		{name: "ADUAN_TELEGRAM_TOKEN", value: "123456789:AAs3cret\r", secret: true},
		{name: "ADUAN_PUBLIC_URL", value: "aduan.sidoarjokab.go.id"},
		{name: "ADUAN_PUBLIC_URL", value: "ftp://aduan.sidoarjokab.go.id"},
		{name: "ADUAN_TELEGRAM_API_URL", value: "api.telegram.org"},
		{name: "ADUAN_TELEGRAM_API_URL", value: "https://"},
		{name: "ADUAN_TELEGRAM_WEBHOOK_SECRET", value: "s3cret with spaces", secret: true},
		{name: "ADUAN_TELEGRAM_WEBHOOK_SECRET", value: strings.Repeat("s3cret", 50), secret: true},
		{name: "ADUAN_TELEGRAM_RATE_CHAT", value: "fast"},
		{name: "ADUAN_TELEGRAM_RATE_GLOBAL", value: "0"},
		{name: "ADUAN_WHATSAPP_RATE_CHAT", value: "NaN"},
		{name: "ADUAN_WHATSAPP_RATE_GLOBAL", value: "-3"},
		{name: "ADUAN_WHATSAPP", value: "2"},
		{name: "ADUAN_WHATSAPP", value: "enabled"},
		{name: "ADUAN_WHATSAPP_STORE_DIALECT", value: "postgres"},
		{name: "ADUAN_WHATSAPP_STORE_DIALECT", value: "SQLite"},
		{name: "ADUAN_WHATSAPP_STORE_DSN", value: "", also: map[string]string{"ADUAN_WHATSAPP_STORE_DIALECT": "pgx"}},
		{name: "ADUAN_WHATSAPP_STORE_DSN", value: "postgres://wa:s3cretpw@db/aduan", secret: true},
		{name: "ADUAN_COMPLAINT_API_URL", value: "311.example.go.id/open311/v2"},
		{name: "ADUAN_COMPLAINT_API_URL", value: "ftp://311.example.go.id"},
		{name: "ADUAN_COMPLAINT_API_DESCRIPTION_LIMIT", value: "0"},
		{name: "ADUAN_COMPLAINT_API_DESCRIPTION_LIMIT", value: "many"},
		{name: "ADUAN_WEBHOOK_URLS", value: "https://ok.example/hook, backoffice.example/hook", shown: `entry "backoffice.example/hook"`},
		{name: "ADUAN_WEBHOOK_URLS", value: "https://hooks.example/in?token=s3cret, ftp://hooks.example/in?token=s3cret", secret: true},
		{name: "ADUAN_POLL_INTERVAL", value: "5"},
		{name: "ADUAN_POLL_INTERVAL", value: "0s"},
		{name: "ADUAN_CONSOLE_SECURE_COOKIES", value: "yes please"},
		{name: "ADUAN_TRUSTED_PROXIES", value: "10.0.0.0/8,10.0.0.0/99", shown: `entry "10.0.0.0/99"`},
		{name: "ADUAN_TRUSTED_PROXIES", value: "proxy.local", shown: `entry "proxy.local"`},
		{name: "ADUAN_HOLIDAYS", value: "2026-12-25, 25/12/2026", shown: `entry "25/12/2026"`},
		{name: "ADUAN_HOLIDAYS", value: "2026-13-01", shown: `entry "2026-13-01"`},
		{name: "ADUAN_SLA_VERIFY_DAYS", value: "0"},
		{name: "ADUAN_SLA_VERIFY_DAYS", value: "three"},
		{name: "ADUAN_SLA_RESPOND_DAYS", value: "-1"},
		{name: "ADUAN_CONSOLE_IDLE_TIMEOUT", value: "2 hours"},
		{name: "ADUAN_AUDIT_RETENTION_DAYS", value: "-1"},
		{name: "ADUAN_AUDIT_RETENTION_DAYS", value: "1y"},
		{name: "ADUAN_AUDIT_RETENTION_DAYS", value: "999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			env := map[string]string{tt.name: tt.value}
			for k, v := range tt.also {
				env[k] = v
			}
			_, bad := readMap(env)
			if got := badNames(bad); !slices.Equal(got, []string{tt.name}) {
				t.Fatalf("errors name %v, want exactly [%s]: %v", got, tt.name, bad)
			}
			var err error = bad
			msg := err.Error()
			if !strings.Contains(msg, tt.name) || !strings.Contains(msg, "want") && !strings.Contains(msg, "needs") {
				t.Errorf("error %q does not name %s and what it accepts", msg, tt.name)
			}
			var se *settingError
			if !errors.As(err, &se) || se.Name != tt.name {
				t.Errorf("errors.As(%v) = %v", err, se)
			}
			switch {
			case tt.secret:
				if strings.Contains(msg, tt.value) || strings.Contains(msg, "s3cret") || !strings.Contains(msg, "(hidden)") {
					t.Errorf("error %q shows a secret's value; want (hidden)", msg)
				}
			case tt.shown != "":
				if !strings.Contains(msg, tt.shown) {
					t.Errorf("error %q does not show %s", msg, tt.shown)
				}
			default:
				if !strings.Contains(msg, tt.name+"="+strconv.Quote(tt.value)) {
					t.Errorf("error %q does not show the value as %s=%q", msg, tt.name, tt.value)
				}
			}
		})
	}
}

// The examples, all at once: every bad variable is named in one
// error, so the operator fixes them in one go rather than one per start.
func TestConfigSeveralBadAtOnce(t *testing.T) {
	_, bad := readMap(map[string]string{
		"ADUAN_DRAFT_TTL": "7d", "ADUAN_SHARDS": "abc", "ADUAN_LOG_FORMAT": "JSON",
		"ADUAN_TELEGRAM_TOKEN": "s3cret", "ADUAN_HOLIDAYS": "tomorrow", "ADUAN_LISTEN": ":8080", // the last is fine
	})
	want := []string{"ADUAN_SHARDS", "ADUAN_DRAFT_TTL", "ADUAN_LOG_FORMAT", "ADUAN_TELEGRAM_TOKEN", "ADUAN_HOLIDAYS"}
	if got := badNames(bad); !slices.Equal(got, want) {
		t.Fatalf("errors name %v, want %v", got, want)
	}
	msg := bad.Error()
	for _, line := range []string{
		"configuration: 5 bad settings",
		`ADUAN_DRAFT_TTL="7d": want a positive Go duration like 168h or 30m`,
		`ADUAN_SHARDS="abc": want a whole number from 1 to 1024`,
		`ADUAN_LOG_FORMAT="JSON": want text or json (lower case)`,
		`ADUAN_TELEGRAM_TOKEN=(hidden): want the token from @BotFather`,
		`ADUAN_HOLIDAYS entry "tomorrow": want dates (YYYY-MM-DD)`,
	} {
		if !strings.Contains(msg, line) {
			t.Errorf("error lacks %q:\n%s", line, msg)
		}
	}
	if strings.Contains(msg, "s3cret") {
		t.Errorf("error shows the token:\n%s", msg)
	}
}

// Flags override their variables as before; a flag given replaces its
// variable even when that one is bad, and a bad flag is named as the flag.
func TestConfigFlagsOverrideEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		bad     []string // names in the error; nil: none
		redis   string
		listen  string
		user    string // the caller's own flag
		flowDir string
	}{
		{name: "env only", env: map[string]string{"REDIS_URL": "redis://env:6379/0", "ADUAN_LISTEN": ":9000"},
			redis: "redis://env:6379/0", listen: ":9000", user: "local"},
		{name: "flags win", env: map[string]string{"REDIS_URL": "redis://env:6379/0", "ADUAN_FLOWS_DIR": "/env"},
			args:  []string{"--redis", "redis://flag:6379/1", "--listen", ":9001", "--user", "u1", "--flows", "/flag"},
			redis: "redis://flag:6379/1", listen: ":9001", user: "u1", flowDir: "/flag"},
		{name: "an empty --redis asks for the in-memory Redis", env: map[string]string{"REDIS_URL": "redis://env:6379/0"},
			args: []string{"--redis="}, redis: "", listen: "127.0.0.1:8080", user: "local"},
		{name: "a good flag replaces a bad variable", env: map[string]string{"REDIS_URL": "localhost:6379", "ADUAN_DATABASE_URL": "mysql://x"},
			args: []string{"--redis", "redis://localhost:6379/0", "--database", "postgres://db/aduan"}, redis: "redis://localhost:6379/0",
			listen: "127.0.0.1:8080", user: "local"},
		{name: "a bad flag is named as the flag", args: []string{"--listen", "8080", "--redis", "localhost:6379", "--database", "aduan.db"},
			bad: []string{"--listen", "--redis", "--database"}},
		{name: "flags do not hide other bad variables", env: map[string]string{"ADUAN_SHARDS": "abc"},
			args: []string{"--redis", "redis://localhost:6379/0"}, bad: []string{"ADUAN_SHARDS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"REDIS_URL", "ADUAN_LISTEN", "ADUAN_FLOWS_DIR", "ADUAN_DATABASE_URL", "ADUAN_SHARDS"} {
				t.Setenv(k, tt.env[k])
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			user := fs.String("user", "local", "")
			c, err := loadConfig(&command{name: "test", flags: []string{"flows", "redis", "listen", "database"}, env: allEnv}, fs, tt.args)
			if tt.bad != nil {
				var bad configError
				if !errors.As(err, &bad) {
					t.Fatalf("err = %v, want a configError naming %v", err, tt.bad)
				}
				if got := badNames(bad); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tt.bad))) {
					t.Fatalf("errors name %v, want %v: %v", got, tt.bad, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.RedisURL != tt.redis || c.Listen != tt.listen || *user != tt.user || c.FlowsDir != tt.flowDir {
				t.Errorf("redis %q listen %q user %q flows %q", c.RedisURL, c.Listen, *user, c.FlowsDir)
			}
		})
	}
}

// `aduan serve` with a bad variable fails on the configuration before it
// opens anything: Redis is unreachable (so reaching it would fail with a
// different error) and the data directory stays empty (no SQLite file).
func TestServeRefusesBadConfig(t *testing.T) {
	for name, want := range map[string]string{
		"ADUAN_SHARDS":    `ADUAN_SHARDS="abc": want a whole number from 1 to 1024`,
		"ADUAN_DRAFT_TTL": `ADUAN_DRAFT_TTL="7d": want a positive Go duration`,
	} {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			t.Setenv("REDIS_URL", "redis://127.0.0.1:1/0")
			t.Setenv("ADUAN_DATA_DIR", dataDir)
			t.Setenv("ADUAN_SHARDS", "")
			t.Setenv("ADUAN_DRAFT_TTL", "")
			t.Setenv(name, map[string]string{"ADUAN_SHARDS": "abc", "ADUAN_DRAFT_TTL": "7d"}[name])
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve", "--listen", "127.0.0.1:0"})
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("run serve = %v, want an error containing %q", err, want)
			}
			if strings.Contains(err.Error(), "redis") || strings.Contains(err.Error(), "database") {
				t.Errorf("error mentions a store, so it got past the configuration: %v", err)
			}
			if entries, _ := os.ReadDir(dataDir); len(entries) != 0 {
				t.Errorf("data dir has %v: something was opened before the configuration was checked", entries)
			}
		})
	}
}

// Every variable readConfig reads is documented (README.md's table, or the
// docs it points to for the console, the complaint API and the channels).
func TestConfigVariablesDocumented(t *testing.T) {
	var read []string
	readConfig(func(k string) string { read = append(read, k); return "" })
	var docs strings.Builder
	files, _ := filepath.Glob("../../docs/*.md")
	for _, f := range append([]string{"../../README.md"}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	for _, name := range read {
		if !strings.Contains(docs.String(), name) {
			t.Errorf("%s is read but not documented in README.md or docs/", name)
		}
	}
	if len(read) < 38 {
		t.Errorf("readConfig read only %d variables: %v", len(read), read)
	}
}
