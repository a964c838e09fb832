package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Where the commands write: help goes to stdout (asked for, exit 0), usage
// errors to stderr (exit 2). Tests swap them.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// usageError is a command line that cannot be run as typed (unknown command
// or flag, stray argument): main exits 2, as the flag package does.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// command is one subcommand's command line: the shared flags it takes and
// the environment variables it reads. --help lists exactly those, and
// loadConfig refuses only bad values of those (`aduan flows check` does not
// fail on a bad Telegram token).
type command struct {
	name     string          // as typed after aduan: "serve", "flows check"
	synopsis string          // the arguments after the name
	summary  string          // what it does
	flags    []string        // shared flags (keys of flagEnv) it takes
	env      func() []string // the variables it reads
}

// The variables every command that runs the core (serve, chat) reads first.
var coreEnv = []string{"REDIS_URL", "ADUAN_REDIS_PREFIX", "ADUAN_SHARDS", "ADUAN_FLOWS_DIR", "ADUAN_DRAFT_TTL",
	"ADUAN_DATA_DIR", "ADUAN_MEDIA_DIR", "ADUAN_MEDIA_MAX_BYTES", "ADUAN_DATABASE_URL", "ADUAN_LOG_FORMAT", "ADUAN_LOG_LEVEL"}

// serveOnly are the variables of what only `aduan serve` runs: the HTTP
// server, the chat channels, the console, the alerts.
var serveOnly = []string{"ADUAN_LISTEN", "ADUAN_DEBUG_LISTEN", "ADUAN_TELEGRAM_", "ADUAN_WHATSAPP", "ADUAN_CONSOLE_",
	"ADUAN_TRUSTED_PROXIES", "ADUAN_HOLIDAYS", "ADUAN_SLA_", "ADUAN_CANNED_REPLIES", "ADUAN_AUDIT_RETENTION_DAYS",
	"ADUAN_SMTP_URL", "ADUAN_ALERT_"}

func fixed(names ...string) func() []string { return func() []string { return names } }

var (
	cmdServe = command{name: "serve", synopsis: "[--listen ADDR] [--redis URL] [--database URL] [--flows DIR]",
		summary: "Run the bot (Telegram, WhatsApp), the complaint API (Open311), the admin console, health and metrics.",
		flags:   []string{"flows", "redis", "listen", "database"},
		env:     allEnv}
	cmdChat = command{name: "chat", synopsis: "[--user ID] [--lang id|en] [--settle DURATION] [--redis URL] [--database URL] [--flows DIR]",
		summary: "Chat with the bot in this terminal (stdin may be piped: one message per line).",
		flags:   []string{"flows", "redis", "database"},
		env: func() []string {
			return slices.DeleteFunc(allEnv(), func(name string) bool {
				return slices.ContainsFunc(serveOnly, func(p string) bool { return strings.HasPrefix(name, p) })
			})
		}}
	cmdFlowsCheck = command{name: "flows check", synopsis: "[--flows DIR]",
		summary: "Validate the flow files and the services catalogue (the embedded ones, or DIR's overrides).",
		flags:   []string{"flows"}, env: fixed("ADUAN_FLOWS_DIR")}
	cmdWhatsAppLink = command{name: "whatsapp link", synopsis: "[--phone 628...]",
		summary: "Pair a WhatsApp number: a QR code to scan, or with --phone a code to type on the phone.",
		env: fixed("ADUAN_DATA_DIR", "ADUAN_MEDIA_MAX_BYTES", "ADUAN_WHATSAPP_STORE_DIALECT", "ADUAN_WHATSAPP_STORE_DSN",
			"ADUAN_LOG_FORMAT")}
	cmdAdmin = command{name: "admin", synopsis: "add|passwd|disable|enable|unlock|list [flags]",
		summary: "Manage admin console accounts (passwords are read from the terminal or stdin, never from a flag).",
		env:     fixed("REDIS_URL", "ADUAN_REDIS_PREFIX", "ADUAN_LOG_FORMAT")}
	cmdMigrate = command{name: "migrate", synopsis: "[--database URL] [--flows DIR]",
		summary: "Apply the report database's migrations and print the schema version.",
		flags:   []string{"flows", "database"},
		env:     fixed("ADUAN_DATABASE_URL", "ADUAN_DATA_DIR", "ADUAN_FLOWS_DIR", "ADUAN_LOG_FORMAT", "ADUAN_LOG_LEVEL")}
	cmdVersion = command{name: "version", summary: "Print the version, commit and Go version of this binary (also: aduan --version).",
		env: fixed()}
)

// commands are listed by `aduan help`, in this order.
var commands = []*command{&cmdServe, &cmdChat, &cmdFlowsCheck, &cmdWhatsAppLink, &cmdAdmin, &cmdMigrate, &cmdVersion}

// allEnv is every variable readConfig reads, in its order.
func allEnv() []string {
	var names []string
	readConfig(func(name string) string {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return ""
	})
	return names
}

// mainUsage is `aduan help`.
func mainUsage(w io.Writer) {
	fmt.Fprintln(w, "aduan — complaints by chat (Telegram, WhatsApp) for public services")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  aduan %s %s\n", c.name, c.synopsis)
		fmt.Fprintf(w, "      %s\n", c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration is by environment variables (README.md, \"Configuration\").")
	fmt.Fprintln(w, "`aduan COMMAND --help` lists a command's flags and the variables it reads.")
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// parse parses args with fs: --help prints c's help to stdout and returns
// flag.ErrHelp (exit 0); a bad flag or a stray argument is a usageError
// (exit 2) with the usage on stderr.
func (c *command) parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // help and errors are written below
	fs.Usage = func() {}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		c.help(stdout, fs)
		return flag.ErrHelp
	}
	fmt.Fprintf(stderr, "Usage: aduan %s %s\n(aduan %s --help for more)\n", c.name, c.synopsis, c.name)
	return usageError{fmt.Errorf("%s: %w", c.name, err)}
}

// help is `aduan <command> --help`: the synopsis, the flags (a flag backed by
// a variable names the variable instead of showing its value, which may hold
// a password) and the variables the command reads.
func (c *command) help(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: aduan %s %s\n\n%s\n", c.name, c.synopsis, c.summary)
	if fs != nil {
		var flags strings.Builder
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if env, ok := flagEnv[f.Name]; ok {
				def = " (default: $" + env + ")"
			} else if f.DefValue != "" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(&flags, "  --%s\n        %s%s\n", f.Name, f.Usage, def)
		})
		if flags.Len() > 0 {
			fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
		}
	}
	env := c.env()
	if len(env) == 0 {
		fmt.Fprintln(w, "\nIt reads no environment variables.")
		return
	}
	fmt.Fprintln(w, "\nEnvironment variables it reads (README.md, \"Configuration\"; an empty one is unset):")
	line := " "
	for _, name := range env {
		if len(line)+len(name) > 96 {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + name
	}
	fmt.Fprintln(w, line)
}
