package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/aduan-id/aduan/bot/whatsapp"
)

// runWhatsApp pairs a WhatsApp number: `aduan whatsapp link [--phone 628...]`.
// Without --phone it shows QR codes to scan from the phone (WhatsApp ->
// Linked devices -> Link a device); with it, a pairing code to type there.
func runWhatsApp(ctx context.Context, args []string) error {
	if len(args) > 0 && isHelp(args[0]) {
		args = []string{"link", "--help"}
	}
	if len(args) == 0 || args[0] != "link" {
		return usageError{fmt.Errorf("usage: aduan whatsapp link [--phone 628...]")}
	}
	fs := flag.NewFlagSet("whatsapp link", flag.ContinueOnError)
	phone := fs.String("phone", "", "link with a pairing code for this number (international digits, e.g. 6281234567890) instead of a QR code")
	c, err := loadConfig(&cmdWhatsAppLink, fs, args[1:])
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data dir %s: %w", c.DataDir, err)
	}
	digits := strings.NewReplacer("+", "", " ", "", "-", "").Replace(*phone)
	log := newLogger(c.LogFormat, "warn")
	return whatsapp.Link(ctx, whatsappConfig(c), os.Stdout, digits, log)
}
