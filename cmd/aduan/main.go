// Command aduan is the one binary of Aduan: the chat-bot intake channel for
// public-service complaints. Wiring and configuration only; the work is done
// in bot, flows and api.
//
//	aduan serve                 run the bot, the complaint API and the console
//	aduan chat                  chat with the bot in the terminal (stdin may be piped)
//	aduan flows check [--flows DIR]   validate flow files
//	aduan whatsapp link [--phone +62...]   pair a WhatsApp number
//	aduan admin add|passwd|disable|list    manage console accounts
//	aduan migrate               apply the report database's migrations
//	aduan version               the version this binary was built from
//
// `aduan COMMAND --help` lists a command's flags and the environment
// variables it reads (commands.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	os.Exit(exitCode(err))
}

// exitCode is 0 for success and for help asked for, 2 for a command line
// that cannot be run as typed, 1 for everything else (printed).
func exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "aduan:", err)
		return 2
	}
	fmt.Fprintln(stderr, "aduan:", err)
	return 1
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		mainUsage(stderr)
		return usageError{errors.New("which command?")}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest)
	case "chat":
		return runChat(ctx, rest)
	case "flows":
		if len(rest) > 0 && isHelp(rest[0]) {
			return runFlowsCheck([]string{"--help"})
		}
		if len(rest) == 0 || rest[0] != "check" {
			return usageError{errors.New("usage: aduan flows check [--flows DIR]")}
		}
		return runFlowsCheck(rest[1:])
	case "whatsapp":
		return runWhatsApp(ctx, rest)
	case "admin":
		return runAdmin(ctx, rest)
	case "migrate":
		return runMigrate(ctx, rest)
	case "version", "--version", "-version":
		return runVersion(rest)
	case "help", "-h", "-help", "--help":
		mainUsage(stdout)
		return nil
	default:
		mainUsage(stderr)
		return usageError{fmt.Errorf("unknown command %q", cmd)}
	}
}
