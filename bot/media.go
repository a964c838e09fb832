package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// MediaStore keeps the photos citizens send. Adapters download an image at
// once (platform links expire) and save it here before the message is
// committed; the report then refers to it by Ref.
type MediaStore interface {
	// Save stores at most the store's size limit of r and returns a reference.
	// It fails with ErrMediaTooLarge or ErrMediaType, which adapters turn into
	// a polite re-ask.
	Save(ctx context.Context, r io.Reader) (ref string, contentType string, size int64, err error)
	// Open returns a stored file; the console serves photos through it.
	Open(ctx context.Context, ref string) (io.ReadCloser, string, error)
}

var (
	// ErrMediaTooLarge is returned for a file over the size limit.
	ErrMediaTooLarge = errors.New("media: file too large")
	// ErrMediaType is returned for content that is not an accepted image.
	ErrMediaType = errors.New("media: not an accepted image type")
)

// acceptedImageTypes are the types a photo step accepts, by sniffed content
// (never by the name or the platform's claim).
var acceptedImageTypes = map[string]string{
	"image/jpeg": ".jpg",
	"image/png":  ".png",
	"image/webp": ".webp",
	"image/gif":  ".gif",
}

// DirMediaStore stores media as files in a local directory.
type DirMediaStore struct {
	Dir      string
	MaxBytes int64
}

// NewDirMediaStore returns a store in dir (created if missing) with a size
// limit (default 10 MiB).
func NewDirMediaStore(dir string, maxBytes int64) (*DirMediaStore, error) {
	if maxBytes <= 0 {
		maxBytes = 10 << 20
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create media dir %s: %w", dir, err)
	}
	return &DirMediaStore{Dir: dir, MaxBytes: maxBytes}, nil
}

// Save implements MediaStore.
func (s *DirMediaStore) Save(ctx context.Context, r io.Reader) (string, string, int64, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.MaxBytes+1))
	if err != nil {
		return "", "", 0, fmt.Errorf("read media: %w", err)
	}
	if int64(len(data)) > s.MaxBytes {
		return "", "", 0, ErrMediaTooLarge
	}
	ct := http.DetectContentType(data)
	ext, ok := acceptedImageTypes[ct]
	if !ok {
		return "", "", 0, ErrMediaType
	}
	// The name is the content's hash: a photo delivered twice (a platform's
	// redelivery of an update we already committed) is one file, not an
	// orphan copy, and a name says nothing about who sent it.
	sum := sha256.Sum256(data)
	ref := hex.EncodeToString(sum[:16]) + ext
	if _, err := os.Stat(filepath.Join(s.Dir, ref)); err == nil {
		return ref, ct, int64(len(data)), nil
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", 0, fmt.Errorf("media temp name: %w", err)
	}
	tmp := filepath.Join(s.Dir, "."+ref+"."+hex.EncodeToString(b[:])+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return "", "", 0, fmt.Errorf("write media: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.Dir, ref)); err != nil {
		return "", "", 0, fmt.Errorf("store media: %w", err)
	}
	return ref, ct, int64(len(data)), nil
}

// Open implements MediaStore.
func (s *DirMediaStore) Open(ctx context.Context, ref string) (io.ReadCloser, string, error) {
	if ref == "" || strings.ContainsAny(ref, `/\`) || strings.HasPrefix(ref, ".") {
		return nil, "", fmt.Errorf("open media %q: invalid reference", ref)
	}
	f, err := os.Open(filepath.Join(s.Dir, ref))
	if err != nil {
		return nil, "", fmt.Errorf("open media %s: %w", ref, err)
	}
	ct := "application/octet-stream"
	for t, ext := range acceptedImageTypes {
		if strings.HasSuffix(ref, ext) {
			ct = t
		}
	}
	return f, ct, nil
}
