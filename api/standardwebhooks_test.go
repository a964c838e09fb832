package api_test

import (
	"github.com/aduan-id/aduan/api"

	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fixed vectors of the Standard Webhooks reference libraries' tests
// (github.com/standard-webhooks/standard-webhooks, libraries/*): the Go,
// JavaScript, Python and PHP suites sign the first ("sign function works"),
// the Rust suite the second (test_sign).
var standardVectors = []struct {
	name, secret, msgID string
	ts                  int64
	payload, want       string
}{
	{"go/js/python/php", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
		`{"test": 2432232314}`, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	{"rust", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1649367553,
		`{"email":"test@example.com","username":"test_user"}`, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="},
}

func TestStandardWebhooksSignVectors(t *testing.T) {
	for _, v := range standardVectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := api.SignStandard(v.secret, v.msgID, v.ts, []byte(v.payload))
			if err != nil || got != v.want {
				t.Fatalf("SignStandard = %q, %v; want %q", got, err, v.want)
			}
			h := stdHeaders(v.msgID, strconv.FormatInt(v.ts, 10), v.want)
			id, err := api.VerifyStandard(v.secret, h, []byte(v.payload), time.Unix(v.ts, 0))
			if err != nil || id != v.msgID {
				t.Fatalf("VerifyStandard = %q, %v", id, err)
			}
			// The same key given as raw bytes (a secret without whsec_).
			key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v.secret, "whsec_"))
			if raw, _ := api.SignStandard(string(key), v.msgID, v.ts, []byte(v.payload)); raw != v.want {
				t.Fatalf("raw key signs %q", raw)
			}
		})
	}
}

func stdHeaders(id, ts, sig string) http.Header {
	h := http.Header{}
	for k, v := range map[string]string{"webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return h
}

// The verification cases of the reference libraries' suites, on the first
// vector: what a Standard Webhooks receiver must accept and refuse.
func TestStandardWebhooksVerify(t *testing.T) {
	v := standardVectors[0]
	at := time.Unix(v.ts, 0)
	ts := strconv.FormatInt(v.ts, 10)
	const other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=" // the suites' wrong signature
	tests := []struct {
		name    string
		secret  string
		h       http.Header
		payload string
		now     time.Time
		ok      bool
	}{
		{"valid", v.secret, stdHeaders(v.msgID, ts, v.want), v.payload, at, true},
		{"missing id", v.secret, stdHeaders("", ts, v.want), v.payload, at, false},
		{"missing timestamp", v.secret, stdHeaders(v.msgID, "", v.want), v.payload, at, false},
		{"missing signature", v.secret, stdHeaders(v.msgID, ts, ""), v.payload, at, false},
		{"invalid timestamp", v.secret, stdHeaders(v.msgID, "hello", v.want), v.payload, at, false},
		{"float timestamp", v.secret, stdHeaders(v.msgID, ts+".0", v.want), v.payload, at, false},
		{"invalid signature", v.secret, stdHeaders(v.msgID, ts, other), v.payload, at, false},
		{"last character changed", v.secret, stdHeaders(v.msgID, ts, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="), v.payload, at, false},
		{"not base64", v.secret, stdHeaders(v.msgID, ts, "v1,dawfeoifkpqwoekfpqoekf"), v.payload, at, false},
		{"partial signature", v.secret, stdHeaders(v.msgID, ts, v.want[:8]), v.payload, at, false},
		{"empty v1", v.secret, stdHeaders(v.msgID, ts, "v1,"), v.payload, at, false},
		{"multi signature, valid third", v.secret,
			stdHeaders(v.msgID, ts, other+" v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "+v.want+" "+other), v.payload, at, true},
		{"multi signature, none valid", v.secret,
			stdHeaders(v.msgID, ts, "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q= v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE="),
			v.payload, at, false},
		{"right signature, other version", v.secret, stdHeaders(v.msgID, ts, "v1a,"+strings.TrimPrefix(v.want, "v1,")), v.payload, at, false},
		{"payload changed by a space", v.secret, stdHeaders(v.msgID, ts, v.want), `{"test":2432232314}`, at, false},
		{"other message id", v.secret, stdHeaders("msg_p5jXN8AQM9LWM0D4loKWxJel", ts, v.want), v.payload, at, false},
		{"other secret", standardVectors[1].secret, stdHeaders(v.msgID, ts, v.want), v.payload, at, false},
		{"no secret configured", "", stdHeaders(v.msgID, ts, v.want), v.payload, at, false},
		{"5 minutes old", v.secret, stdHeaders(v.msgID, ts, v.want), v.payload, at.Add(5 * time.Minute), true},
		{"too old", v.secret, stdHeaders(v.msgID, ts, v.want), v.payload, at.Add(5*time.Minute + time.Second), false},
		{"5 minutes ahead", v.secret, stdHeaders(v.msgID, ts, v.want), v.payload, at.Add(-5 * time.Minute), true},
		{"too new", v.secret, stdHeaders(v.msgID, ts, v.want), v.payload, at.Add(-5*time.Minute - time.Second), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := api.VerifyStandard(tc.secret, tc.h, []byte(tc.payload), tc.now)
			if (err == nil) != tc.ok {
				t.Fatalf("VerifyStandard = %q, %v; want ok=%v", id, err, tc.ok)
			}
			if err != nil && !errors.Is(err, api.ErrUnauthorized) {
				t.Fatalf("error %v does not wrap ErrUnauthorized", err)
			}
		})
	}
}

func TestWebhookSecretFormats(t *testing.T) {
	short := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16))
	tests := []struct {
		secret   string
		ok       bool
		standard string // StandardSecret
	}{
		{"s3cret-shared", true, "whsec_czNjcmV0LXNoYXJlZA=="},
		{"", true, "whsec_"},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		{"whsec_", false, ""},
		{"whsec_not base64!", false, ""},
		{short, false, short}, // decodes, but shorter than the spec's 24 bytes
	}
	for _, tc := range tests {
		t.Run(tc.secret, func(t *testing.T) {
			if err := api.CheckWebhookSecret(tc.secret); (err == nil) != tc.ok {
				t.Fatalf("CheckWebhookSecret = %v, want ok=%v", err, tc.ok)
			}
			std, err := api.StandardSecret(tc.secret)
			if std != tc.standard || (err == nil) != (tc.standard != "") {
				t.Fatalf("StandardSecret = %q, %v; want %q", std, err, tc.standard)
			}
			if tc.standard == "" || tc.secret == "" {
				return
			}
			// A receiver configured with the whsec_ form verifies what the
			// configured secret signs.
			body := []byte(`{"a":1}`)
			sig, _ := api.SignStandard(tc.secret, "id1", 100, body)
			if _, err := api.VerifyStandard(std, stdHeaders("id1", "100", sig), body, time.Unix(100, 0)); err != nil {
				t.Fatalf("whsec_ form does not verify: %v", err)
			}
		})
	}
}
