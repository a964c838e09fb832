package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// config is everything an operator can set. Each field has an environment
// variable (documented in README.md) and most have a flag of the same meaning;
// with nothing set, Aduan runs on its embedded defaults.
type config struct {
	RedisURL    string
	RedisPrefix string
	Shards      int
	FlowsDir    string
	DraftTTL    time.Duration
	Listen      string
	MediaDir    string
	MediaMax    int64
	LogFormat   string
	LogLevel    string
	DataDir     string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envBool(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func envList(name string) []string {
	var out []string
	for _, p := range strings.Split(os.Getenv(name), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadConfig reads the environment, then flags of fs (already defined by the
// caller for its own options) override it.
func loadConfig(fs *flag.FlagSet, args []string) (config, error) {
	c := config{
		RedisURL:    env("REDIS_URL", ""),
		RedisPrefix: env("ADUAN_REDIS_PREFIX", "aduan"),
		Shards:      envInt("ADUAN_SHARDS", 16),
		FlowsDir:    env("ADUAN_FLOWS_DIR", ""),
		DraftTTL:    envDuration("ADUAN_DRAFT_TTL", 7*24*time.Hour),
		Listen:      env("ADUAN_LISTEN", "127.0.0.1:8080"),
		DataDir:     env("ADUAN_DATA_DIR", "data"),
		MediaMax:    int64(envInt("ADUAN_MEDIA_MAX_BYTES", 10<<20)),
		LogFormat:   env("ADUAN_LOG_FORMAT", "text"),
		LogLevel:    env("ADUAN_LOG_LEVEL", "info"),
	}
	c.MediaDir = env("ADUAN_MEDIA_DIR", "")
	fs.StringVar(&c.FlowsDir, "flows", c.FlowsDir, "directory of flow files overriding the embedded defaults")
	fs.StringVar(&c.RedisURL, "redis", c.RedisURL, "Redis URL (redis://host:6379/0); empty: in-memory Redis")
	fs.StringVar(&c.Listen, "listen", c.Listen, "HTTP listen address (webhooks, API, console)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.MediaDir == "" {
		c.MediaDir = c.DataDir + "/media"
	}
	if c.Shards < 1 || c.Shards > 1024 {
		return c, fmt.Errorf("ADUAN_SHARDS must be 1..1024, got %d", c.Shards)
	}
	return c, nil
}

// newLogger builds the one logger of the process: JSON in production, text
// in a terminal.
func newLogger(format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
