package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// Photos leave Aduan only at signed, expiring URLs under
// {PublicURL}/open311/v2/media/{number}/{index}{.ext}?use=…&expires=…&sig=…:
// sig is an HMAC-SHA256 (Config.MediaURLKey) of the use, the report number,
// the photo index and the expiry. Two uses:
//   - "agency": the forward to the complaint API (valid ForwardMediaURLTTL;
//     the agency sees a report's photos whatever its identity, as admins do);
//   - "public": the public Open311 GETs, only for a report of identity public
//     whose photo an admin published in the console; checked again when the
//     photo is fetched, so unpublishing takes effect at once.
const (
	mediaUseAgency = "agency"
	mediaUsePublic = "public"
)

// Media URL lifetimes by default.
const (
	defaultMediaURLTTL        = 24 * time.Hour
	defaultForwardMediaURLTTL = 30 * 24 * time.Hour
)

// mediaSigner makes and checks signed photo URLs; nil when media URLs are
// off (no public URL, no key or no media store).
type mediaSigner struct {
	key        []byte
	base       string // {PublicURL}/open311/v2/media/
	store      bot.MediaStore
	ttl, fwTTL time.Duration
}

func newMediaSigner(cfg Config) *mediaSigner {
	key := []byte(cfg.MediaURLKey)
	if len(key) == 0 && cfg.WebhookSecret != "" {
		// A key of its own, derived: a media URL never reveals anything
		// about the webhook signatures.
		m := hmac.New(sha256.New, []byte(cfg.WebhookSecret))
		m.Write([]byte("aduan media url key v1"))
		key = m.Sum(nil)
	}
	base := strings.TrimRight(cfg.PublicURL, "/")
	if len(key) == 0 || base == "" || cfg.MediaStore == nil {
		return nil
	}
	ms := &mediaSigner{key: key, base: base + Open311Root + "/media/", store: cfg.MediaStore,
		ttl: cfg.MediaURLTTL, fwTTL: cfg.ForwardMediaURLTTL}
	if ms.ttl <= 0 {
		ms.ttl = defaultMediaURLTTL
	}
	if ms.fwTTL <= 0 {
		ms.fwTTL = defaultForwardMediaURLTTL
	}
	return ms
}

func (m *mediaSigner) sign(use, number string, idx int, expires int64) string {
	h := hmac.New(sha256.New, m.key)
	fmt.Fprintf(h, "aduan-media-v1\n%s\n%s\n%d\n%d", use, number, idx, expires)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// url is the signed URL of photo idx of the report, valid until expires.
func (m *mediaSigner) url(use, number string, idx int, p flows.Photo, expires time.Time) string {
	exp := expires.Unix()
	q := url.Values{"use": {use}, "expires": {strconv.FormatInt(exp, 10)}, "sig": {m.sign(use, number, idx, exp)}}
	return m.base + url.PathEscape(number) + "/" + strconv.Itoa(idx) + photoExt(p.ContentType) + "?" + q.Encode()
}

// publicExpiry is the end of the hour after now + ttl: the URLs of a public
// answer stay the same through a clock hour, so the answer caches, and each
// is valid for more than ttl.
func (m *mediaSigner) publicExpiry(now time.Time) time.Time {
	return now.Truncate(time.Hour).Add(m.ttl + time.Hour)
}

func photoExt(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "image/gif":
		return ".gif"
	}
	return ""
}

// allPhotos are a report's photos in the order the console numbers them:
// the report's own, then those added on the timeline.
func allPhotos(r *Report) []flows.Photo {
	out := slices.Clone(r.Photos)
	for _, e := range r.Timeline {
		out = append(out, e.Photos...)
	}
	return out
}

// PhotoPublished reports whether photo idx (console numbering) is approved
// for the public view. Only a public-identity report shows it.
func (r *Report) PhotoPublished(idx int) bool { return slices.Contains(r.PublishedPhotos, idx) }

// publicMedia are the signed public URLs of a report's published photos:
// none unless its identity is public (never for anonim or rahasia).
func (m *mediaSigner) publicMedia(r *Report, now time.Time) []string {
	if m == nil || ParseIdentity(string(r.Identity)) != IdentityPublic || len(r.PublishedPhotos) == 0 {
		return nil
	}
	photos := allPhotos(r)
	exp := m.publicExpiry(now)
	var out []string
	for _, i := range r.PublishedPhotos {
		if i >= 0 && i < len(photos) {
			out = append(out, m.url(mediaUsePublic, r.Number, i, photos[i], exp))
		}
	}
	return out
}

// agencyMedia are the signed URLs of all of a report's photos for the
// complaint API.
func (m *mediaSigner) agencyMedia(r *Report, now time.Time) []string {
	if m == nil {
		return nil
	}
	photos := allPhotos(r)
	exp := now.Add(m.fwTTL).Truncate(time.Minute).Add(time.Minute)
	out := make([]string, 0, len(photos))
	for i, p := range photos {
		out = append(out, m.url(mediaUseAgency, r.Number, i, p, exp))
	}
	return out
}

// mediaURLFor is the media_url the forwarder sends with a report: a signed
// URL of its first photo, valid Config.ForwardMediaURLTTL ("" when it has no
// photo or media URLs are not configured). mediaURLsFor are all of them.
func mediaURLFor(cfg Config, r *Report, now time.Time) string {
	if all := mediaURLsFor(cfg, r, now); len(all) > 0 {
		return all[0]
	}
	return ""
}

func mediaURLsFor(cfg Config, r *Report, now time.Time) []string {
	return newMediaSigner(cfg).agencyMedia(r, now)
}

// serveMedia answers GET media/{number}/{index}{.ext}: the photo's bytes
// when the signature holds and has not expired (and, for the public use,
// the report is still public and the photo still published). Anything else
// is 404 (403 for an expired URL), with nothing about the report.
func (h *open311Server) serveMedia(c echo.Context) error {
	notFound := fmt.Errorf("media not found: %w", ErrNotFound)
	m := h.media
	if m == nil {
		return h.fail(c, "json", notFound)
	}
	number := NormalizeNumber(c.Param("number"))
	file := c.Param("file")
	if i := strings.IndexByte(file, '.'); i >= 0 {
		file = file[:i]
	}
	idx, err := strconv.Atoi(file)
	use := c.QueryParam("use")
	exp, err2 := strconv.ParseInt(c.QueryParam("expires"), 10, 64)
	if err != nil || err2 != nil || idx < 0 || (use != mediaUsePublic && use != mediaUseAgency) ||
		!hmac.Equal([]byte(c.QueryParam("sig")), []byte(m.sign(use, number, idx, exp))) {
		return h.fail(c, "json", notFound)
	}
	if h.svc.now().Unix() > exp {
		return h.fail(c, "json", fmt.Errorf("media URL expired: %w", ErrForbidden))
	}
	ctx := c.Request().Context()
	r, err := h.svc.store.Get(ctx, number)
	if err != nil {
		if HTTPStatus(err) == http.StatusNotFound {
			return h.fail(c, "json", notFound)
		}
		return h.fail(c, "json", err)
	}
	photos := allPhotos(r)
	if idx >= len(photos) ||
		use == mediaUsePublic && (ParseIdentity(string(r.Identity)) != IdentityPublic || !r.PhotoPublished(idx)) {
		return h.fail(c, "json", notFound)
	}
	f, ct, err := m.store.Open(ctx, photos[idx].Ref)
	if err != nil {
		h.svc.log.Warn("open311: open photo", "number", r.Number, "err", err)
		return h.fail(c, "json", notFound)
	}
	defer f.Close()
	if !strings.HasPrefix(ct, "image/") {
		return h.fail(c, "json", notFound)
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, ct)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Content-Disposition", "inline")
	if use == mediaUsePublic {
		hd.Set("Cache-Control", "public, max-age=300")
	} else {
		hd.Set("Cache-Control", "private, max-age=3600")
	}
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), f)
	return err
}

// SetPhotoPublished approves (or withdraws) photo idx of a report — numbered
// as the console numbers them — for the public Open311 view. Only a report
// of identity public may publish photos (ErrInvalid otherwise); ErrNotFound
// for no such photo. Withdrawing takes effect at once, also for URLs already
// handed out.
func (s *Service) SetPhotoPublished(ctx context.Context, number string, idx int, publish bool) error {
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		if idx < 0 || idx >= len(allPhotos(r)) {
			return nil, fmt.Errorf("report %s has no photo %d: %w", r.Number, idx, ErrNotFound)
		}
		if publish && ParseIdentity(string(r.Identity)) != IdentityPublic {
			return nil, fmt.Errorf("report %s is %s: only a public report's photos may be published: %w",
				r.Number, ParseIdentity(string(r.Identity)), ErrInvalid)
		}
		if r.PhotoPublished(idx) == publish {
			return nil, ErrNoChange
		}
		if publish {
			r.PublishedPhotos = append(slices.Clone(r.PublishedPhotos), idx)
			slices.Sort(r.PublishedPhotos)
		} else {
			r.PublishedPhotos = slices.DeleteFunc(slices.Clone(r.PublishedPhotos), func(i int) bool { return i == idx })
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("publish photo: %w", err)
	}
	return nil
}
