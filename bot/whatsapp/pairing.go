package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
)

// pairingRound is how long one RequestPairing keeps console pairing going:
// one whole round of rotating QR codes (about 160 s) and some slack.
const pairingRound = 3 * time.Minute

// RequestPairing starts a pairing round from the console (a supervisor's
// POST) on the replica that holds the lease, when no device is linked. The
// QR codes are then read with PairingQR.
func (a *Adapter) RequestPairing() {
	a.mu.Lock()
	a.qrWanted = a.now().Add(pairingRound)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// PairingQR returns the current QR code of a pairing round (render it as a QR
// image). It only reads: ok is false until a round started by RequestPairing
// has a code, or when this replica is not the one pairing (then use `aduan
// whatsapp link`).
func (a *Adapter) PairingQR() (code string, ok bool) {
	a.mu.Lock()
	code = a.qr
	a.mu.Unlock()
	return code, code != ""
}

func (a *Adapter) setQR(code string) {
	a.mu.Lock()
	a.qr = code
	a.mu.Unlock()
}

func (a *Adapter) pairingWanted() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now().Before(a.qrWanted)
}

// unpaired waits while no device is linked; when the console asks for a QR
// code (and the client can pair), it runs one pairing round: QR codes rotate
// for about 160 s, then WhatsApp closes the connection.
func (a *Adapter) unpaired(ctx context.Context) {
	a.setHealth(StateUnpaired, "no linked device: link it in the console or with `aduan whatsapp link`")
	p, ok := a.client.(pairer)
	if !ok || !a.pairingWanted() {
		select {
		case <-ctx.Done():
		case <-a.wake:
		case <-time.After(unpairedRecheck):
		}
		return
	}
	defer a.setQR("")
	qr, err := p.GetQRChannel(ctx)
	if err != nil {
		a.log.Warn("whatsapp: pairing", "err", err)
		sleep(ctx, unpairedRecheck)
		return
	}
	if err := p.Connect(); err != nil {
		a.log.Warn("whatsapp: pairing connect", "err", scrub(err.Error()))
		sleep(ctx, unpairedRecheck)
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case item, open := <-qr:
			if !open {
				return
			}
			switch item.Event {
			case whatsmeow.QRChannelEventCode:
				a.setQR(item.Code)
			case "success":
				a.log.Info("whatsapp: linked from the console")
				a.setQR("")
				if a.Health().State == StateUnpaired {
					a.setHealth(StateConnecting, "linked; logging in")
				}
				return
			default:
				a.log.Warn("whatsapp: pairing ended", "event", item.Event)
				p.Disconnect()
				return
			}
		}
	}
}
