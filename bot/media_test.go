package bot_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/bottest"
)

func TestDirMediaStore(t *testing.T) {
	dir := t.TempDir()
	store, err := bot.NewDirMediaStore(dir, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	png := bottest.PNG(t)
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"a png", png, nil},
		{"the same png again (a redelivery): the same file", png, nil},
		{"text pretending to be a photo", []byte("not an image at all, just text"), bot.ErrMediaType},
		{"over the size limit", append(append([]byte{}, png...), bytes.Repeat([]byte{0}, 2<<10)...), bot.ErrMediaTooLarge},
	}
	refs := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, ct, size, err := store.Save(ctx, bytes.NewReader(tt.data))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if ct != "image/png" || size != int64(len(tt.data)) || !strings.HasSuffix(ref, ".png") {
				t.Errorf("Save = %q %q %d", ref, ct, size)
			}
			refs[ref] = true
			f, gotCT, err := store.Open(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(got, tt.data) || gotCT != "image/png" {
				t.Errorf("Open returned %d bytes, %q", len(got), gotCT)
			}
		})
	}
	files, _ := os.ReadDir(dir)
	if len(refs) != 1 || len(files) != 1 {
		t.Errorf("the same photo twice gave %d refs and %d files, want 1 and 1", len(refs), len(files))
	}
	for _, bad := range []string{"../etc/passwd", ".hidden", "a/b.png", ""} {
		if _, _, err := store.Open(ctx, bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}
