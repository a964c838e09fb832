package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
)

// qrWantFor is how long one PairingQR call keeps console pairing going: the
// console asks every few seconds while its page is open; when nobody asks,
// no pairing connection is opened.
const qrWantFor = 30 * time.Second

// PairingQR returns the current QR code to link the number from the console
// (render it as a QR image). Asking starts pairing on the replica that holds
// the lease when no device is linked; ok is false until a code is there, or
// when this replica is not the one pairing (the console should ask the
// holder, or use `aduan whatsapp link`).
func (a *Adapter) PairingQR() (code string, ok bool) {
	a.mu.Lock()
	a.qrWanted = a.now().Add(qrWantFor)
	code = a.qr
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
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
