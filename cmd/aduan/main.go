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

const usage = `aduan — complaints by chat (Telegram, WhatsApp) for public services

Usage:
  aduan serve                       run the bot, the complaint API and the admin console
  aduan chat [--user ID] [--lang id|en]   chat with the bot in this terminal (stdin may be piped)
  aduan flows check [--flows DIR]   validate the flow files and the services catalogue
  aduan whatsapp link [--phone +62...]    pair a WhatsApp number (QR code or pairing code)
  aduan admin add|passwd|disable|list     manage admin console accounts

Configuration is by environment variables (see README.md); common flags:
  --flows DIR   flow files overriding the embedded defaults (ADUAN_FLOWS_DIR)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "aduan:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return flag.ErrHelp
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest)
	case "chat":
		return runChat(ctx, rest)
	case "flows":
		if len(rest) == 0 || rest[0] != "check" {
			return fmt.Errorf("usage: aduan flows check [--flows DIR]")
		}
		return runFlowsCheck(rest[1:])
	case "whatsapp":
		return runWhatsApp(ctx, rest)
	case "admin":
		return runAdmin(ctx, rest)
	case "migrate":
		return runMigrate(ctx, rest)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
