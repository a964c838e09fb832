package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

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
	Identity    Identity // unclear -> rahasia
	Name        string
	Phone       string
}

// idemTTL is how long an Idempotency-Key of the Open311 POST is remembered.
const idemTTL = 7 * 24 * time.Hour

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
	var idemKey string
	if idempotencyKey != "" {
		h := sha256.Sum256([]byte(idempotencyKey))
		idemKey = s.k.idem(hex.EncodeToString(h[:16]))
		prev, err := s.rdb.Get(ctx, idemKey).Result()
		if err == nil {
			return prev, nil
		}
		if !errors.Is(err, redis.Nil) {
			return "", fmt.Errorf("idempotency key: %w", err)
		}
	}
	number, err := s.reserveNumber(ctx)
	if err != nil {
		return "", err
	}
	if idemKey != "" {
		ok, err := s.rdb.SetNX(ctx, idemKey, number, idemTTL).Result()
		if err != nil {
			return "", fmt.Errorf("idempotency key: %w", err)
		}
		if !ok { // a concurrent twin won the key
			prev, err := s.rdb.Get(ctx, idemKey).Result()
			if err != nil {
				return "", fmt.Errorf("idempotency key: %w", err)
			}
			return prev, nil
		}
	}
	now := s.now()
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = firstLine(in.Description, 80)
	}
	r := &Report{
		Number: number, Category: in.ServiceCode, Title: title, Description: in.Description,
		Location: Location{Address: strings.TrimSpace(in.Address), Kecamatan: in.Kecamatan},
		Identity: ParseIdentity(string(in.Identity)),
		Contact:  Contact{Name: strings.TrimSpace(in.Name), Phone: strings.TrimSpace(in.Phone)},
		Source:   SourceAPI, Status: StatusReceived, CreatedAt: now, UpdatedAt: now, WaitingSince: now,
		Timeline: []Event{{ID: "created", Kind: EventCreated, Actor: SourceAPI, At: now}},
	}
	if in.HasPoint {
		r.Location.Lat, r.Location.Lon = in.Lat, in.Lon
	}
	if svc, ok := s.catalog.Service(in.ServiceCode); ok {
		r.Agency = svc.Agency
	}
	if _, err := s.st.create(ctx, r, s.createdExtras); err != nil {
		if idemKey != "" {
			_ = s.rdb.Del(context.WithoutCancel(ctx), idemKey).Err()
		}
		return "", fmt.Errorf("create report from api: %w", err)
	}
	return number, nil
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
