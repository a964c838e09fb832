package whatsapp

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/aduan-id/aduan/bot/whatsapp/whatsapptest"
)

var (
	testPN  = whatsapptest.PN("6281234567890")
	testLID = whatsapptest.LID("123456789012345")
)

func TestHandleMessageCommitsThenMarksRead(t *testing.T) {
	e := newEnv(t)
	if ok := e.fake.Dispatch(whatsapptest.Text(testPN, "3EB0AAA1", "halo")); !ok {
		t.Fatal("handler failed; WhatsApp would redeliver")
	}
	ins := e.h.inbound()
	if len(ins) != 1 || ins[0].Text != "halo" || ins[0].ChatID != testPN.String() || ins[0].MessageID != "3EB0AAA1" {
		t.Fatalf("handled %+v", ins)
	}
	if e.h.reads[0] != 0 {
		t.Fatalf("marked read before the commit")
	}
	reads := e.fake.Reads()
	if len(reads) != 1 || reads[0].IDs[0] != "3EB0AAA1" || reads[0].Chat != testPN {
		t.Fatalf("reads = %+v", reads)
	}
}

func TestHandleMessageFailureLeavesNoReceipt(t *testing.T) {
	e := newEnv(t)
	e.h.err = errors.New("redis: connection refused")
	if ok := e.fake.Dispatch(whatsapptest.Text(testPN, "3EB0AAA2", "halo")); ok {
		t.Fatal("handler succeeded although the commit failed")
	}
	if n := len(e.fake.Reads()); n != 0 {
		t.Fatalf("%d messages marked read", n)
	}
	if got := e.a.Stats().InboundFailed; got != 1 {
		t.Fatalf("InboundFailed = %d", got)
	}
}

func TestHandleMessageIgnoredIsAcknowledged(t *testing.T) {
	e := newEnv(t)
	own := whatsapptest.Text(testPN, "3EB0AAA3", "dari bot")
	own.Info.IsFromMe = true
	if ok := e.fake.Dispatch(own); !ok {
		t.Fatal("an ignored message must still be acknowledged")
	}
	if n := len(e.h.inbound()); n != 0 {
		t.Fatalf("%d ignored messages handled", n)
	}
}

func TestHandleMessageResolvesLIDFromStore(t *testing.T) {
	e := newEnv(t)
	e.fake.LIDs[testLID] = testPN
	e.fake.Dispatch(whatsapptest.Text(testLID, "3EB0AAA4", "halo"))
	ins := e.h.inbound()
	if len(ins) != 1 || ins[0].ChatID != testPN.String() || ins[0].UserID != testPN.String() {
		t.Fatalf("handled %+v", ins)
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestHandlePhoto(t *testing.T) {
	good := pngBytes(t)
	tests := []struct {
		name        string
		path        string
		data        []byte
		announced   uint64
		unsupported string
		stored      bool
		downloads   int
	}{
		{"stored", "/p/ok", good, uint64(len(good)), "", true, 1},
		{"too large: not even downloaded", "/p/big", good, 2 << 20, UnsupportedPhotoTooLarge, false, 0},
		{"not an image", "/p/text", []byte("hello, this is not an image at all"), 34, UnsupportedPhotoType, false, 1},
		{"link expired", "/p/gone", nil, 100, UnsupportedPhotoFailed, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.data != nil {
				e.fake.Media[tt.path] = tt.data
			}
			evt := whatsapptest.Message(testPN, "3EB0P", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
				DirectPath: proto.String(tt.path), Mimetype: proto.String("image/jpeg"), FileLength: proto.Uint64(tt.announced)}})
			if !e.fake.Dispatch(evt) {
				t.Fatal("handler failed")
			}
			in := e.h.inbound()[0]
			if in.Unsupported != tt.unsupported {
				t.Errorf("Unsupported = %q, want %q", in.Unsupported, tt.unsupported)
			}
			if stored := len(in.Photos) == 1 && in.Photos[0].Ref != ""; stored != tt.stored {
				t.Errorf("photos = %+v", in.Photos)
			}
			if tt.stored && (in.Photos[0].ContentType != "image/png" || in.Photos[0].Size != int64(len(good))) {
				t.Errorf("photo = %+v (type must be sniffed, not WhatsApp's claim)", in.Photos[0])
			}
			if _, _, n := e.fake.Counts(); n != tt.downloads {
				t.Errorf("downloads = %d, want %d", n, tt.downloads)
			}
		})
	}
}
