package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks 1.0 (https://www.standardwebhooks.com, symmetric
// scheme): the headers below, and
//
//	webhook-signature: v1,<base64 HMAC-SHA256(key, webhook-id + "." + webhook-timestamp + "." + body)>
//
// where the header may carry several space-separated signatures (secret
// rotation) and a receiver accepts the request when one "v1" signature
// matches. Aduan sends them on every outbound webhook, beside the legacy
// X-Aduan-* headers (kept for one release), and accepts them inbound.
const (
	HeaderWebhookID        = "webhook-id"        // the event id, stable across retries: dedupe on it
	HeaderWebhookTimestamp = "webhook-timestamp" // unix seconds of this attempt
	HeaderWebhookSignature = "webhook-signature" // "v1,<base64>" (space-separated list)
)

// WebhookSecretPrefix marks a Standard Webhooks secret: the rest is the
// base64 of the key bytes.
const WebhookSecretPrefix = "whsec_"

// maxWebhookID bounds an inbound webhook-id (as event_id).
const maxWebhookID = 200

// WebhookKey is the HMAC key of the Standard Webhooks signature for the
// configured secret: "whsec_<base64>" is decoded (the format Standard
// Webhooks libraries take); any other value is used as it is, byte for byte
// (a receiver using a Standard Webhooks library then configures
// StandardSecret(secret)). The legacy X-Aduan-Signature always uses the
// secret as configured, prefix included.
func WebhookKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, WebhookSecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("webhook secret: %s is not followed by standard base64: %w", WebhookSecretPrefix, ErrInvalid)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("webhook secret: empty key after %s: %w", WebhookSecretPrefix, ErrInvalid)
	}
	return key, nil
}

// CheckWebhookSecret says what is wrong with a configured webhook secret (nil:
// nothing). A "whsec_" secret must decode to 24 to 512 bytes, the range the
// Standard Webhooks specification gives for symmetric keys; other values are
// taken as they are (existing deployments keep theirs).
func CheckWebhookSecret(secret string) error {
	key, err := WebhookKey(secret)
	if err != nil {
		return err
	}
	if strings.HasPrefix(secret, WebhookSecretPrefix) && (len(key) < 24 || len(key) > 512) {
		return fmt.Errorf("webhook secret: a %s key must be 24 to 512 bytes, this one is %d: %w",
			WebhookSecretPrefix, len(key), ErrInvalid)
	}
	return nil
}

// StandardSecret is the secret in the Standard Webhooks format ("whsec_" +
// base64 of the key) for a receiver using a Standard Webhooks library.
func StandardSecret(secret string) (string, error) {
	key, err := WebhookKey(secret)
	if err != nil {
		return "", err
	}
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// standardMAC is the raw HMAC-SHA256 of id.timestamp.body under key.
func standardMAC(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte("."))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// signStandard is the webhook-signature value ("v1,<base64>") under key.
func signStandard(key []byte, id string, ts int64, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(standardMAC(key, id, ts, body))
}

// SignStandard returns the webhook-signature value for body sent as message
// id at ts, signed with secret (see WebhookKey).
func SignStandard(secret, id string, ts int64, body []byte) (string, error) {
	key, err := WebhookKey(secret)
	if err != nil {
		return "", err
	}
	return signStandard(key, id, ts, body), nil
}

// IsStandardSigned reports whether a request carries a Standard Webhooks
// signature (and is then verified as one, whatever else it carries).
func IsStandardSigned(h http.Header) bool { return h.Get(HeaderWebhookSignature) != "" }

// VerifyStandard checks a Standard-Webhooks-signed request: webhook-id,
// webhook-timestamp and webhook-signature present, the timestamp within 5
// minutes of now either way, and one "v1" signature of the list matching
// (compared in constant time; other versions are skipped). It returns the
// webhook-id, the receiver's idempotency key. Errors wrap ErrUnauthorized.
func VerifyStandard(secret string, h http.Header, body []byte, now time.Time) (string, error) {
	if secret == "" {
		return "", fmt.Errorf("webhooks are not configured: %w", ErrUnauthorized)
	}
	key, err := WebhookKey(secret)
	if err != nil {
		// The operator's mistake, not the caller's: a 500 (cmd/aduan refuses
		// such a secret at start with CheckWebhookSecret).
		return "", fmt.Errorf("verify webhook: %v", err)
	}
	id, tsv, sigs := strings.TrimSpace(h.Get(HeaderWebhookID)), strings.TrimSpace(h.Get(HeaderWebhookTimestamp)), h.Get(HeaderWebhookSignature)
	if id == "" || tsv == "" || strings.TrimSpace(sigs) == "" {
		return "", fmt.Errorf("missing %s, %s or %s: %w", HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature, ErrUnauthorized)
	}
	if len(id) > maxWebhookID {
		return "", fmt.Errorf("%s longer than %d characters: %w", HeaderWebhookID, maxWebhookID, ErrUnauthorized)
	}
	ts, err := strconv.ParseInt(tsv, 10, 64)
	if err != nil {
		return "", fmt.Errorf("malformed %s: %w", HeaderWebhookTimestamp, ErrUnauthorized)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return "", fmt.Errorf("timestamp outside the 5-minute window: %w", ErrUnauthorized)
	}
	want := standardMAC(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		version, b64, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return id, nil
		}
	}
	return "", fmt.Errorf("no matching %s: %w", HeaderWebhookSignature, ErrUnauthorized)
}
