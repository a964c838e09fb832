package main

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// runCaptured runs the command line and returns its exit code and output.
func runCaptured(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	oldOut, oldErr := stdout, stderr
	stdout, stderr = &o, &e
	defer func() { stdout, stderr = oldOut, oldErr }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code = exitCode(run(ctx, args))
	return code, o.String(), e.String()
}

// flagsIn are the --flags a help text lists.
func flagsIn(help string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z-]+)$`).FindAllStringSubmatch(help, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// Every command's --help exits 0 on stdout and lists its own flags and the
// variables it reads, and nothing of the other commands'.
func TestCommandHelp(t *testing.T) {
	// A Redis that cannot answer: help must not need it.
	t.Setenv("REDIS_URL", "redis-sentinel://127.0.0.1:1/nowhere")
	t.Setenv("ADUAN_TELEGRAM_TOKEN", "not a token") // bad, and irrelevant to help
	tests := []struct {
		args    []string
		flags   []string // exactly these
		env     []string // among others
		notEnv  []string
		contain string
	}{
		{args: []string{"serve", "--help"}, flags: []string{"database", "flows", "listen", "redis"},
			env: []string{"REDIS_URL", "ADUAN_TELEGRAM_TOKEN", "ADUAN_DEBUG_LISTEN", "ADUAN_SMTP_URL", "ADUAN_CONSOLE_SECURE_COOKIES"}},
		{args: []string{"chat", "-h"}, flags: []string{"database", "flows", "lang", "redis", "settle", "user"},
			env:    []string{"REDIS_URL", "ADUAN_DATABASE_URL", "ADUAN_COMPLAINT_API_URL"},
			notEnv: []string{"ADUAN_LISTEN", "ADUAN_TELEGRAM_TOKEN", "ADUAN_WHATSAPP", "ADUAN_SMTP_URL", "ADUAN_DEBUG_LISTEN"}},
		{args: []string{"flows", "check", "--help"}, flags: []string{"flows"}, env: []string{"ADUAN_FLOWS_DIR"},
			notEnv: []string{"REDIS_URL"}},
		{args: []string{"flows", "--help"}, flags: []string{"flows"}, env: []string{"ADUAN_FLOWS_DIR"}},
		{args: []string{"whatsapp", "link", "--help"}, flags: []string{"phone"},
			env: []string{"ADUAN_WHATSAPP_STORE_DSN", "ADUAN_DATA_DIR"}, notEnv: []string{"REDIS_URL"}},
		{args: []string{"whatsapp", "--help"}, flags: []string{"phone"}, env: []string{"ADUAN_WHATSAPP_STORE_DSN"}},
		{args: []string{"migrate", "--help"}, flags: []string{"database", "flows"}, env: []string{"ADUAN_DATABASE_URL"},
			notEnv: []string{"REDIS_URL"}},
		{args: []string{"admin", "--help"}, env: []string{"REDIS_URL", "ADUAN_REDIS_PREFIX"},
			notEnv: []string{"ADUAN_DATABASE_URL", "ADUAN_LISTEN"}, contain: "passwd --email E"},
		{args: []string{"admin", "add", "--help"}, env: []string{"REDIS_URL"}, contain: "-role"},
		{args: []string{"version", "--help"}, contain: "reads no environment variables"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			start := time.Now()
			code, out, errOut := runCaptured(t, tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q, want 0 and nothing", code, errOut)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("help took %s: did it try to reach Redis?", time.Since(start))
			}
			if !strings.HasPrefix(out, "Usage") { // admin add: console.AdminCommand's "Usage of aduan admin add:"
				t.Errorf("help does not start with the usage:\n%s", out)
			}
			if tt.flags != nil {
				if got := flagsIn(out); !slices.Equal(got, tt.flags) {
					t.Errorf("flags %v, want %v:\n%s", got, tt.flags, out)
				}
			}
			for _, name := range tt.env {
				if !strings.Contains(out, " "+name) {
					t.Errorf("%s not listed:\n%s", name, out)
				}
			}
			for _, name := range tt.notEnv {
				if regexp.MustCompile(`\b` + name + `\b`).MatchString(out) {
					t.Errorf("%s listed, but the command does not read it:\n%s", name, out)
				}
			}
			if !strings.Contains(out, tt.contain) {
				t.Errorf("help does not contain %q:\n%s", tt.contain, out)
			}
			if strings.Contains(out, "127.0.0.1:1") {
				t.Errorf("help shows a variable's value:\n%s", out)
			}
		})
	}
}

// Command lines that cannot run exit 2 with the reason on stderr; top-level
// help exits 0.
func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string // in stderr (code != 0) or stdout
	}{
		{nil, 2, "which command?"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"chat", "--listen", ":1"}, 2, "flag provided but not defined: -listen"}, // serve's flag only
		{[]string{"flows", "check", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"flows"}, 2, "usage: aduan flows check"},
		{[]string{"whatsapp"}, 2, "usage: aduan whatsapp link"},
		{[]string{"admin"}, 2, "which command?"},
		{[]string{"help"}, 0, "aduan migrate"},
		{[]string{"--help"}, 0, "aduan version"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCaptured(t, tt.args...)
			got := errOut
			if tt.code == 0 {
				got = out
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errOut, tt.code, tt.want)
			}
		})
	}
}

// A command refuses bad values of the variables it reads, and only those:
// a bad Telegram token does not stop `aduan flows check`.
func TestCommandChecksOnlyItsVariables(t *testing.T) {
	t.Setenv("ADUAN_TELEGRAM_TOKEN", "not a token")
	t.Setenv("ADUAN_SHARDS", "many")
	if code, _, errOut := runCaptured(t, "flows", "check"); code != 0 {
		t.Errorf("flows check with bad serve-only variables: exit %d: %s", code, errOut)
	}
	t.Setenv("ADUAN_FLOWS_DIR", "/nonexistent/flows")
	if code, _, errOut := runCaptured(t, "flows", "check"); code != 1 || !strings.Contains(errOut, "/nonexistent/flows") {
		t.Errorf("flows check with a missing ADUAN_FLOWS_DIR: exit %d: %s", code, errOut)
	}
	code, _, errOut := runCaptured(t, "serve", "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "ADUAN_TELEGRAM_TOKEN") || !strings.Contains(errOut, "ADUAN_SHARDS") ||
		strings.Contains(errOut, "not a token") {
		t.Errorf("serve with bad variables: exit %d: %s", code, errOut)
	}
}

// The commands' variable lists name variables readConfig reads (no typos),
// and serve reads them all.
func TestCommandVariablesAreRead(t *testing.T) {
	all := allEnv()
	for _, c := range commands {
		for _, name := range c.env() {
			if !slices.Contains(all, name) {
				t.Errorf("aduan %s lists %s, which readConfig does not read", c.name, name)
			}
		}
	}
	if !slices.Equal(cmdServe.env(), all) {
		t.Errorf("serve reads %v, want every variable", cmdServe.env())
	}
}

// `aduan version` and `aduan --version` print the version line.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-version"} {
		code, out, _ := runCaptured(t, arg)
		if code != 0 || !regexp.MustCompile(`^aduan \S+ .*go1\.\d+.* \w+/\w+\n$`).MatchString(out) {
			t.Errorf("aduan %s: exit %d, %q", arg, code, out)
		}
	}
	b := buildInfo{Version: "v1.2.0", Revision: "0123456789abcdef0123", Time: "2026-12-01T10:00:00Z", Modified: true,
		GoVersion: "go1.26.8", Platform: "linux/amd64"}
	if got, want := b.String(), "aduan v1.2.0 (commit 0123456789ab, 2026-12-01T10:00:00Z, modified) go1.26.8 linux/amd64"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (buildInfo{Version: "devel", GoVersion: "go1.26.8", Platform: "linux/arm64"}).String(); got != "aduan devel go1.26.8 linux/arm64" {
		t.Errorf("String() = %q", got)
	}
}
