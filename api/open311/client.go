package open311

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client talks to an Open311 GeoReport v2 server. BaseURL is the endpoint
// root, e.g. "https://311.example.go.id/open311/v2".
type Client struct {
	BaseURL string
	APIKey  string
	// Jurisdiction is sent as jurisdiction_id with every request (a server
	// that serves several jurisdictions requires it); empty: not sent.
	Jurisdiction string
	HTTP         *http.Client // default: 30 s timeout
}

// StatusError is a non-2xx answer. Retryable tells the forwarder whether a
// later attempt may succeed: 5xx, 408 and 429 yes, other 4xx no.
type StatusError struct {
	Code        int
	RetryAfter  time.Duration // from Retry-After, if any
	Description string        // the server's first error description, if any
}

func (e *StatusError) Error() string {
	if e.Description != "" {
		return fmt.Sprintf("open311: HTTP %d: %s", e.Code, e.Description)
	}
	return fmt.Sprintf("open311: HTTP %d", e.Code)
}

// Retryable reports whether the request may succeed later.
func (e *StatusError) Retryable() bool {
	return e.Code >= 500 || e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests
}

// AsStatusError finds a *StatusError in err's chain.
func AsStatusError(err error) (*StatusError, bool) {
	var se *StatusError
	ok := errors.As(err, &se)
	return se, ok
}

const maxAnswer = 4 << 20

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// PostRequest files a service request (form-encoded, as the spec says) with
// the client's api_key. idempotencyKey, when set, goes in the
// Idempotency-Key header so a retry after a lost answer files nothing twice.
func (c *Client) PostRequest(ctx context.Context, form url.Values, idempotencyKey string) (Created, error) {
	form = cloneValues(form)
	if c.APIKey != "" {
		form.Set("api_key", c.APIKey)
	}
	if c.Jurisdiction != "" {
		form.Set("jurisdiction_id", c.Jurisdiction)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/requests.json",
		strings.NewReader(form.Encode()))
	if err != nil {
		return Created{}, fmt.Errorf("open311: build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	var out []Created
	if err := c.do(req, &out); err != nil {
		return Created{}, fmt.Errorf("open311: post request: %w", err)
	}
	if len(out) == 0 || (out[0].ServiceRequestID == "" && out[0].Token == "") {
		return Created{}, fmt.Errorf("open311: post request: answer without service_request_id or token")
	}
	return out[0], nil
}

// GetRequests fetches requests by id (one GET with a comma list).
func (c *Client) GetRequests(ctx context.Context, ids []string) ([]Request, error) {
	q := url.Values{"service_request_id": {strings.Join(ids, ",")}}
	if c.APIKey != "" {
		q.Set("api_key", c.APIKey)
	}
	if c.Jurisdiction != "" {
		q.Set("jurisdiction_id", c.Jurisdiction)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/requests.json?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("open311: build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	var out []Request
	if err := c.do(req, &out); err != nil {
		return nil, fmt.Errorf("open311: get requests: %w", err)
	}
	return out, nil
}

func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := &StatusError{Code: resp.StatusCode, RetryAfter: ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
		var errs []Error
		if json.Unmarshal(body, &errs) == nil && len(errs) > 0 {
			se.Description = truncate(errs[0].Description, 200)
		}
		return se
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
