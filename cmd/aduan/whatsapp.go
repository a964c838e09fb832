package main

import (
	"context"
	"flag"
	"fmt"
)

// runWhatsApp pairs a WhatsApp number: `aduan whatsapp link [--phone +62...]`.
func runWhatsApp(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "link" {
		return fmt.Errorf("usage: aduan whatsapp link [--phone +628...]")
	}
	fs := flag.NewFlagSet("whatsapp link", flag.ContinueOnError)
	phone := fs.String("phone", "", "link with a pairing code for this number instead of a QR code")
	c, err := loadConfig(fs, args[1:])
	if err != nil {
		return err
	}
	_ = phone
	_ = c
	return fmt.Errorf("aduan whatsapp link: not wired yet")
}
