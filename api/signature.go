package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Legacy webhook signature headers, in both directions. Outbound webhooks
// carry them beside the Standard Webhooks headers (standardwebhooks.go) for
// one release; the inbound webhook accepts a request signed either way. The
// HMAC key is the secret exactly as configured ("whsec_" prefix included).
const (
	HeaderTimestamp = "X-Aduan-Timestamp" // unix seconds
	HeaderSignature = "X-Aduan-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderEventID   = "X-Aduan-Event-Id"  // outbound only
)

// maxSkew is how old (or how far in the future) a signed timestamp may be.
const maxSkew = 5 * time.Minute

// Sign returns the X-Aduan-Signature value for body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signed request: a fresh timestamp and a matching
// signature (compared in constant time). Errors wrap ErrUnauthorized.
func Verify(secret, timestamp, signature string, body []byte, now time.Time) error {
	if secret == "" {
		return fmt.Errorf("webhooks are not configured: %w", ErrUnauthorized)
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return fmt.Errorf("missing or malformed %s: %w", HeaderTimestamp, ErrUnauthorized)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("timestamp outside the 5-minute window: %w", ErrUnauthorized)
	}
	want := Sign(secret, ts, body)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(signature))) {
		return fmt.Errorf("bad signature: %w", ErrUnauthorized)
	}
	return nil
}
