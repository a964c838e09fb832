package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	tg "github.com/go-telegram/bot"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// fetchPhoto downloads a photo into the media store at once (file links
// expire). refused is the Inbound.Unsupported kind of a photo the citizen
// must send again differently (the engine re-asks); err means "try again
// later" (nothing is committed, the update comes again).
func (a *Adapter) fetchPhoto(ctx context.Context, fileID string, size int64) (photo flows.Photo, refused string, err error) {
	if a.media == nil {
		return photo, unsupportedPhotoFailed, nil
	}
	limit := a.cfg.MaxPhotoBytes
	if size > limit {
		return photo, unsupportedPhotoTooLarge, nil
	}
	f, err := a.api.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	switch {
	case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "too big"):
		return photo, unsupportedPhotoTooLarge, nil
	case errors.Is(err, tg.ErrorBadRequest): // e.g. "invalid file_id"
		return photo, unsupportedPhotoFailed, nil
	case err != nil:
		return photo, "", fmt.Errorf("getFile: %s", a.errorString(err))
	}
	if f.FileSize > limit {
		return photo, unsupportedPhotoTooLarge, nil
	}
	if f.FilePath == "" {
		return photo, unsupportedPhotoFailed, nil
	}
	body, status, err := a.download(ctx, f.FilePath)
	if err != nil {
		return photo, "", err
	}
	defer body.Close()
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		return photo, "", fmt.Errorf("download file: HTTP %d", status)
	case status != http.StatusOK:
		return photo, unsupportedPhotoFailed, nil
	}
	ref, ct, n, err := a.media.Save(ctx, &limitedReader{r: body, left: limit})
	switch {
	case errors.Is(err, bot.ErrMediaTooLarge):
		return photo, unsupportedPhotoTooLarge, nil
	case errors.Is(err, bot.ErrMediaType):
		return photo, unsupportedPhotoType, nil
	case err != nil:
		return photo, "", fmt.Errorf("save photo: %s", a.errorString(err))
	}
	return flows.Photo{Ref: ref, ContentType: ct, Size: n}, "", nil
}

// download GETs a file from the Bot API file endpoint. The URL holds the
// token: errors are returned without it.
func (a *Adapter) download(ctx context.Context, filePath string) (io.ReadCloser, int, error) {
	u := a.cfg.APIURL + "/file/bot" + a.cfg.Token + "/" + strings.TrimLeft(filePath, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("download file: %s", a.errorString(err))
	}
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, 0, fmt.Errorf("download file: %s", a.errorString(err))
	}
	return resp.Body, resp.StatusCode, nil
}

// limitedReader fails with bot.ErrMediaTooLarge once more than left bytes
// were read.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, bot.ErrMediaTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, bot.ErrMediaTooLarge
	}
	return n, err
}
