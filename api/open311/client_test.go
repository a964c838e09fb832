package open311

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Mon, 30 Nov 2026 00:00:30 GMT": 30 * time.Second,
		"Sun, 29 Nov 2026 23:00:00 GMT": 0,
	}
	for in, want := range tests {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		code      int
		body      string
		retryable bool
		desc      string
	}{
		{400, `[{"code":400,"description":"service_code missing"}]`, false, "service_code missing"},
		{403, `not json`, false, ""},
		{408, ``, true, ""},
		{429, ``, true, ""},
		{500, `[{"code":500,"description":"boom"}]`, true, "boom"},
		{503, ``, true, ""},
	}
	for _, tc := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(tc.code)
			_, _ = w.Write([]byte(tc.body))
		}))
		c := &Client{BaseURL: srv.URL, APIKey: "k"}
		_, err := c.PostRequest(context.Background(), nil, "idem")
		srv.Close()
		se, ok := AsStatusError(err)
		if !ok {
			t.Fatalf("%d: error %v is not a StatusError", tc.code, err)
		}
		if se.Code != tc.code || se.Retryable() != tc.retryable || se.Description != tc.desc || se.RetryAfter != 3*time.Second {
			t.Errorf("%d: got %+v retryable=%v", tc.code, se, se.Retryable())
		}
	}
}

func TestClientPostSendsFormKeyAndIdempotency(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got = r
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`[{"service_request_id":"77"}]`))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, APIKey: "secret-key"}
	out, err := c.PostRequest(context.Background(), map[string][]string{"service_code": {"jalan"}}, "SDA-1")
	if err != nil || out.ServiceRequestID != "77" {
		t.Fatalf("post: %+v %v", out, err)
	}
	if got.URL.Path != "/requests.json" || got.PostForm.Get("api_key") != "secret-key" ||
		got.PostForm.Get("service_code") != "jalan" || got.Header.Get("Idempotency-Key") != "SDA-1" ||
		got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("request %s %v %v", got.URL.Path, got.PostForm, got.Header)
	}
	_, err = (&Client{BaseURL: "http://127.0.0.1:1"}).PostRequest(context.Background(), nil, "")
	if _, ok := AsStatusError(err); ok || err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("connection refused: %v", err)
	}
}

func TestClientSendsJurisdiction(t *testing.T) {
	var posted, queried string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Method == http.MethodPost {
			posted = r.PostForm.Get("jurisdiction_id")
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`[{"service_request_id":"1"}]`))
			return
		}
		queried = r.URL.Query().Get("jurisdiction_id")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, APIKey: "k", Jurisdiction: "sidoarjokab.go.id"}
	if _, err := c.PostRequest(context.Background(), nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRequests(context.Background(), []string{"1"}); err != nil {
		t.Fatal(err)
	}
	if posted != "sidoarjokab.go.id" || queried != "sidoarjokab.go.id" {
		t.Fatalf("jurisdiction_id posted %q, queried %q", posted, queried)
	}
	// None configured: none sent.
	c.Jurisdiction = ""
	posted = "unset"
	if _, err := c.PostRequest(context.Background(), nil, ""); err != nil || posted != "" {
		t.Fatalf("without a jurisdiction: sent %q (%v)", posted, err)
	}
}
