package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
)

type fakePairer struct {
	items     []whatsmeow.QRChannelItem
	connected bool
	phones    []string
	names     []string
}

func (f *fakePairer) GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	ch := make(chan whatsmeow.QRChannelItem, len(f.items))
	for _, it := range f.items {
		ch <- it
	}
	close(ch)
	return ch, nil
}
func (f *fakePairer) Connect() error   { f.connected = true; return nil }
func (f *fakePairer) Disconnect()      { f.connected = false }
func (f *fakePairer) IsLoggedIn() bool { return true }
func (f *fakePairer) PairPhone(ctx context.Context, phone string, push bool, ct whatsmeow.PairClientType, name string) (string, error) {
	f.phones, f.names = append(f.phones, phone), append(f.names, name)
	return "ABCD-EFGH", nil
}

func TestLink(t *testing.T) {
	code := func(c string) whatsmeow.QRChannelItem {
		return whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: c, Timeout: 20 * time.Second}
	}
	success := whatsmeow.QRChannelSuccess
	tests := []struct {
		name    string
		phone   string
		items   []whatsmeow.QRChannelItem
		wantErr bool
		want    []string
		qrs     int
		pairs   int
	}{
		{"QR codes, then scanned", "", []whatsmeow.QRChannelItem{code("2@abc,def"), code("2@ghi,jkl"), success}, false, []string{"Linked devices", "Done: the number is linked"}, 2, 0},
		{"pairing code asked once", "+62 812-3456-7890", []whatsmeow.QRChannelItem{code("2@a"), code("2@b"), success}, false, []string{"ABCD-EFGH", "Link with phone number instead", "Done"}, 0, 1},
		{"expired", "", []whatsmeow.QRChannelItem{code("2@a"), whatsmeow.QRChannelTimeout}, true, []string{"expired"}, 1, 0},
		{"refused", "", []whatsmeow.QRChannelItem{{Event: whatsmeow.QRChannelEventError, Error: errors.New("pair rejected")}}, true, []string{"Linking failed"}, 0, 0},
		{"national number refused", "0812-3456-7890", nil, true, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakePairer{items: tt.items}
			var out strings.Builder
			err := link(context.Background(), f, &out, tt.phone)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if got := strings.Count(out.String(), "Scan this QR code"); got != tt.qrs {
				t.Errorf("%d QR codes shown, want %d", got, tt.qrs)
			}
			if tt.qrs > 0 && !strings.ContainsAny(out.String(), "▀▄█") {
				t.Errorf("no QR blocks in the output")
			}
			if len(f.phones) != tt.pairs {
				t.Fatalf("PairPhone called %d times", len(f.phones))
			}
			if tt.pairs > 0 && (f.phones[0] != "6281234567890" || f.names[0] != "Chrome (Linux)") {
				t.Errorf("PairPhone(%q, %q)", f.phones[0], f.names[0])
			}
			if f.connected {
				t.Error("still connected after Link")
			}
		})
	}
}
