package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mdp/qrterminal/v3"
	"go.mau.fi/whatsmeow"
)

// PairDisplayName is how a pairing-code login presents itself; WhatsApp
// accepts only "Browser (OS)" names of common browsers.
const PairDisplayName = "Chrome (Linux)"

// pairer holds the whatsmeow calls of linking (*whatsmeow.Client has them).
type pairer interface {
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	Connect() error
	Disconnect()
	IsLoggedIn() bool
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)
}

var _ pairer = (*whatsmeow.Client)(nil)

// Link links a WhatsApp number to the device store of cfg (`aduan whatsapp
// link`). Without phone it prints QR codes to out, a new one each time
// WhatsApp rotates it, to scan from the phone (WhatsApp → Linked devices →
// Link a device). With phone (international digits, e.g. 6281234567890) it
// prints an 8-character pairing code to enter on that phone instead. It
// prints the outcome and returns an error when linking did not succeed
// (timed out, refused, cancelled). A store that is already linked is left
// alone.
func Link(ctx context.Context, cfg Config, out io.Writer, phone string, log *slog.Logger) error {
	c, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer c.Close()
	cli, err := NewClient(ctx, c, log)
	if err != nil {
		return err
	}
	if cli.Store.ID != nil {
		fmt.Fprintf(out, "This store is already linked to a WhatsApp number (device #%s).\n"+
			"To link another number: remove %q under Linked devices on the old phone, delete the store, and run this again.\n",
			HashID(cli.Store.ID.User), DeviceName)
		return nil
	}
	return link(ctx, cli, out, phone)
}

// linkWait is how long Link stays connected after the phone confirmed, so
// the first login and key upload finish.
var linkWait = 20 * time.Second

func link(ctx context.Context, cli pairer, out io.Writer, phone string) error {
	if phone != "" {
		p, err := internationalDigits(phone)
		if err != nil {
			return err
		}
		phone = p
	}
	qr, err := cli.GetQRChannel(ctx)
	if err != nil {
		return fmt.Errorf("whatsapp link: %w", err)
	}
	if err := cli.Connect(); err != nil {
		return fmt.Errorf("whatsapp link: connect: %w", err)
	}
	defer cli.Disconnect()
	asked := false
	for {
		var item whatsmeow.QRChannelItem
		var open bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(out, "Linking cancelled.")
			return ctx.Err()
		case item, open = <-qr:
		}
		if !open {
			fmt.Fprintln(out, "Linking ended without a result.")
			return errors.New("whatsapp link: ended without a result")
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if phone == "" {
				fmt.Fprintf(out, "\nScan this QR code with WhatsApp on the phone of the number to link\n"+
					"(WhatsApp → ⋮ or Settings → Linked devices → Link a device). It changes in %s.\n\n", item.Timeout.Round(time.Second))
				qrterminal.GenerateHalfBlock(item.Code, qrterminal.L, out)
				continue
			}
			if asked {
				continue
			}
			asked = true
			code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, PairDisplayName)
			if err != nil {
				return fmt.Errorf("whatsapp link: pairing code: %w", err)
			}
			fmt.Fprintf(out, "\nOn the phone of that number: WhatsApp → Linked devices → Link a device →\n"+
				"\"Link with phone number instead\", then enter this code:\n\n    %s\n\n", code)
		case "success":
			fmt.Fprintln(out, "Linked. Finishing the first login…")
			waitLoggedIn(ctx, cli)
			fmt.Fprintln(out, "Done: the number is linked. Start (or restart) `aduan serve` with ADUAN_WHATSAPP=1.")
			return nil
		case "timeout":
			fmt.Fprintln(out, "The code expired before it was used. Run the command again.")
			return errors.New("whatsapp link: timed out")
		case whatsmeow.QRChannelEventError:
			fmt.Fprintf(out, "Linking failed: %v\n", item.Error)
			return fmt.Errorf("whatsapp link: %w", item.Error)
		case "err-client-outdated":
			fmt.Fprintln(out, "WhatsApp rejected this client version as outdated: upgrade Aduan.")
			return errors.New("whatsapp link: client outdated")
		case "err-scanned-without-multidevice":
			fmt.Fprintln(out, "The phone does not support linked devices: update WhatsApp on the phone, then scan again.")
		default:
			fmt.Fprintf(out, "Linking ended: %s\n", item.Event)
			return fmt.Errorf("whatsapp link: %s", item.Event)
		}
	}
}

func waitLoggedIn(ctx context.Context, cli pairer) {
	deadline := time.Now().Add(linkWait)
	for !cli.IsLoggedIn() && time.Now().Before(deadline) {
		if !sleep(ctx, 200*time.Millisecond) {
			return
		}
	}
}

// internationalDigits keeps the digits of a phone number in international
// form (62…); a national 0… number is refused with a hint.
func internationalDigits(phone string) (string, error) {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	p := b.String()
	switch {
	case len(p) < 8:
		return "", errors.New("whatsapp link: phone number too short")
	case strings.HasPrefix(p, "0"):
		return "", fmt.Errorf("whatsapp link: give the number in international form, e.g. 62%s", p[1:])
	}
	return p, nil
}
