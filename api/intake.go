package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aduan-id/aduan/bot"
)

// NewReport is a report filed through the built-in Open311 server (not
// through a chat): it has no channel to notify.
type NewReport struct {
	ServiceCode string
	Title       string // default: the start of the description
	Description string
	Lat, Lon    float64
	HasPoint    bool
	Address     string
	Kecamatan   string
	// Identity: empty -> the service's api_identity (public by default);
	// anything unclear -> rahasia.
	Identity Identity
	Name     string
	Phone    string
	Email    string
	// AccountID is the filer's user account at the filing application.
	AccountID string
	// Filer is the hash of the api_key that files it (FilerOf): that key may
	// read the report back whatever its identity.
	Filer string
	// MediaURL is a link the filer gave to a photo it hosts; it is kept for
	// the admins (an internal note), never fetched nor published.
	MediaURL string
	// Attributes are the service's own attribute[code] answers.
	Attributes map[string]string
}

// WithTrackingKeys names the dispatcher's key layout, so tracking numbers
// drawn for API-filed reports are reserved where the dispatcher reserves its
// own (default bot.NewKeys(prefix, 0)): the two can never collide.
func WithTrackingKeys(k bot.Keys) Option { return func(s *Service) { s.trk = k } }

// CreateFromAPI files a report received by the built-in Open311 server. A
// repeated idempotencyKey returns the number the first call created.
func (s *Service) CreateFromAPI(ctx context.Context, in NewReport, idempotencyKey string) (string, error) {
	if _, ok := s.catalog.Service(in.ServiceCode); !ok {
		return "", fmt.Errorf("service_code %q not found: %w", in.ServiceCode, ErrInvalid)
	}
	in.Description = strings.TrimSpace(in.Description)
	if in.Description == "" {
		return "", fmt.Errorf("description is required: %w", ErrInvalid)
	}
	if !in.HasPoint && strings.TrimSpace(in.Address) == "" {
		return "", fmt.Errorf("a location (lat and long, or address_string) is required: %w", ErrInvalid)
	}
	if in.HasPoint && !validCoordinates(in.Lat, in.Lon) {
		return "", fmt.Errorf("lat and long must be valid WGS84 coordinates: %w", ErrInvalid)
	}
	number, err := s.reserveNumber(ctx)
	if err != nil {
		return "", err
	}
	now := s.now()
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = firstLine(in.Description, 80)
	}
	identity := s.apiIdentity(in.ServiceCode)
	if strings.TrimSpace(string(in.Identity)) != "" {
		identity = ParseIdentity(string(in.Identity))
	}
	r := &Report{
		Attributes: in.Attributes,
		Number:     number, Category: in.ServiceCode, Title: title, Description: in.Description,
		Location: Location{Address: strings.TrimSpace(in.Address), Kecamatan: in.Kecamatan},
		Identity: identity,
		Contact: Contact{Name: strings.TrimSpace(in.Name), Phone: strings.TrimSpace(in.Phone),
			Email: strings.TrimSpace(in.Email), AccountID: strings.TrimSpace(in.AccountID)},
		Filer:  in.Filer,
		Source: SourceAPI, Status: StatusReceived, CreatedAt: now, UpdatedAt: now, WaitingSince: now,
		Timeline: []Event{{ID: "created", Kind: EventCreated, Actor: SourceAPI, At: now}},
	}
	if u := strings.TrimSpace(in.MediaURL); u != "" {
		r.Timeline = append(r.Timeline, Event{ID: "media_url", Kind: EventInternalNote, Actor: SourceAPI, At: now,
			Text: "Lampiran dari aplikasi pengirim (media_url, belum diperiksa): " + u})
	}
	if in.HasPoint {
		r.Location.Lat, r.Location.Lon = in.Lat, in.Lon
	}
	if svc, ok := s.catalog.Service(in.ServiceCode); ok {
		r.Agency = svc.Agency
	}
	effects := s.createdEffects(r)
	if idempotencyKey == "" {
		if _, err := s.store.Create(ctx, r, effects); err != nil {
			return "", fmt.Errorf("create report from api: %w", err)
		}
		s.kick()
		return number, nil
	}
	h := sha256.Sum256([]byte(idempotencyKey))
	got, err := s.store.CreateIdempotent(ctx, hex.EncodeToString(h[:16]), r, effects)
	if err != nil {
		return "", fmt.Errorf("create report from api: %w", err)
	}
	if got == number {
		s.kick()
	}
	return got, nil
}

// FilerOf is the Report.Filer of a report filed with apiKey: a hash, so the
// key itself is never stored.
func FilerOf(apiKey string) string {
	if apiKey == "" {
		return ""
	}
	h := sha256.Sum256([]byte("aduan open311 filer\x00" + apiKey))
	return hex.EncodeToString(h[:16])
}

// reserveNumber draws a tracking number and reserves it in the dispatcher's
// reservation key, so a chat never gets the same number later.
func (s *Service) reserveNumber(ctx context.Context) (string, error) {
	prefix := s.catalog.Region.TrackingPrefix
	if prefix == "" {
		prefix = "ADU"
	}
	for range 20 {
		n := prefix + "-" + randomCode(6)
		ok, err := s.rdb.SetNX(ctx, s.trk.Tracking(s.trk.TrackingShard(n), n), "api", 0).Result()
		if err != nil {
			return "", fmt.Errorf("reserve tracking number: %w", err)
		}
		if ok {
			return n, nil
		}
	}
	return "", fmt.Errorf("reserve tracking number: too many collisions")
}

const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func randomCode(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

func firstLine(s string, max int) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
