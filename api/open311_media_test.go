package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

func testPhoto(t *testing.T, media bot.MediaStore) (flows.Photo, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	ref, ct, size, err := media.Save(ctxT(t), bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return flows.Photo{Ref: ref, ContentType: ct, Size: size}, buf.Bytes()
}

func fetch(t *testing.T, u string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// requestMedia is the media_url (and the media_urls extension) of a public
// GET of number.
func requestMedia(t *testing.T, base, number string) (string, []string) {
	t.Helper()
	var got []struct {
		MediaURL  string   `json:"media_url"`
		MediaURLs []string `json:"media_urls"`
	}
	code, _, body := fetch(t, base+api.Open311Root+"/requests/"+number+".json")
	if code != 200 || json.Unmarshal(body, &got) != nil || len(got) != 1 {
		t.Fatalf("GET %s: %d %s", number, code, body)
	}
	return got[0].MediaURL, got[0].MediaURLs
}

// Photos leave at signed, expiring URLs: in a public GET only once an admin
// published them and only for identity public; in the forward for any
// identity; tampered, expired or withdrawn URLs serve nothing.
func TestOpen311MediaURLs(t *testing.T) {
	media, err := bot.NewDirMediaStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 30, 10, 0, 0, 0, wib)}
	var cfg api.Config
	e, srv := specServer(t, clk, func(c *api.Config) { c.MediaStore = media; cfg = *c })
	cfg.PublicURL = srv.URL
	ctx := ctxT(t)
	photo, data := testPhoto(t, media)
	for _, s := range []struct{ n, identity string }{{"SDA-MED001", "public"}, {"SDA-MED002", "anonim"}, {"SDA-MED003", "rahasia"}} {
		env := submitEnv(s.n, "telegram", "chat-secret-9", s.identity)
		env.At = clk.now()
		env.Action.Photos = []flows.Photo{photo, photo}
		if err := e.svc.HandleAction(ctx, env); err != nil {
			t.Fatal(err)
		}
	}

	// Nothing is published before an admin approves.
	if u, us := requestMedia(t, srv.URL, "SDA-MED001"); u != "" || us != nil {
		t.Fatalf("unpublished photo in the public view: %q %v", u, us)
	}
	if err := e.svc.SetPhotoPublished(ctx, "SDA-MED001", 1, true); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"SDA-MED002", "SDA-MED003"} {
		if err := e.svc.SetPhotoPublished(ctx, n, 0, true); api.HTTPStatus(err) != 400 {
			t.Errorf("publishing a photo of %s: %v, want 400", n, err)
		}
	}
	if err := e.svc.SetPhotoPublished(ctx, "SDA-MED001", 2, true); api.HTTPStatus(err) != 404 {
		t.Errorf("publishing photo 2 of 2: %v, want 404", err)
	}
	pub, all := requestMedia(t, srv.URL, "SDA-MED001")
	if !strings.HasPrefix(pub, srv.URL+api.Open311Root+"/media/SDA-MED001/1.png?") || len(all) != 1 || all[0] != pub {
		t.Fatalf("published media_url %q %v", pub, all)
	}
	code, ct, body := fetch(t, pub)
	if code != 200 || ct != "image/png" || !bytes.Equal(body, data) {
		t.Fatalf("GET media_url: %d %s %d bytes", code, ct, len(body))
	}
	// Stable for the hour (answers cache), valid at least MediaURLTTL.
	clk.set(clk.now().Add(20 * time.Minute))
	if again, _ := requestMedia(t, srv.URL, "SDA-MED001"); again != pub {
		t.Errorf("media_url changed within the hour: %s then %s", pub, again)
	}
	u, _ := url.Parse(pub)
	exp, _ := strconv.ParseInt(u.Query().Get("expires"), 10, 64)
	if d := time.Unix(exp, 0).Sub(clk.now()); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("public media_url valid %s, want about 24 h", d)
	}

	// The forward's URLs: every photo, any identity, 30 days.
	rahasia, err := e.svc.Get(ctx, "SDA-MED003")
	if err != nil {
		t.Fatal(err)
	}
	fw := api.MediaURLsFor(cfg, rahasia, clk.now())
	if len(fw) != 2 || api.MediaURLFor(cfg, rahasia, clk.now()) != fw[0] || !strings.Contains(fw[0], "use=agency") {
		t.Fatalf("forward media URLs %v", fw)
	}
	if code, _, body := fetch(t, fw[1]); code != 200 || !bytes.Equal(body, data) {
		t.Errorf("forwarded media_url: %d", code)
	}
	if api.MediaURLFor(api.Config{}, rahasia, clk.now()) != "" {
		t.Error("media URLs without a public URL, key or media store")
	}

	tamper := func(u, key, val string) string {
		p, _ := url.Parse(u)
		q := p.Query()
		q.Set(key, val)
		p.RawQuery = q.Encode()
		return p.String()
	}
	for name, tc := range map[string]struct {
		url  string
		code int
	}{
		"bad signature":            {tamper(pub, "sig", "AAAA"), 404},
		"longer expiry":            {tamper(pub, "expires", strconv.FormatInt(exp+3600, 10)), 404},
		"public use of agency URL": {tamper(fw[0], "use", "public"), 404},
		"another photo":            {strings.Replace(pub, "/1.png", "/0.png", 1), 404},
		"another report":           {strings.Replace(fw[0], "SDA-MED003", "SDA-MED001", 1), 404},
		"no signature":             {srv.URL + api.Open311Root + "/media/SDA-MED001/1.png", 404},
		"unknown report":           {srv.URL + api.Open311Root + "/media/SDA-NOPE01/0", 404},
	} {
		if code, _, body := fetch(t, tc.url); code != tc.code || bytes.Equal(body, data) {
			t.Errorf("%s: %d, want %d", name, code, tc.code)
		}
	}

	// Withdrawn: the URL handed out stops working at once; the forward's
	// does not depend on publication.
	if err := e.svc.SetPhotoPublished(ctx, "SDA-MED001", 1, false); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := fetch(t, pub); code != 404 {
		t.Errorf("withdrawn photo: %d, want 404", code)
	}
	if u, _ := requestMedia(t, srv.URL, "SDA-MED001"); u != "" {
		t.Errorf("withdrawn photo still listed: %s", u)
	}
	// Expired.
	clk.set(time.Unix(exp+1, 0))
	if code, _, _ := fetch(t, fw[0]); code != 200 {
		t.Errorf("forward URL after a day: %d", code)
	}
	clk.set(clk.now().Add(31 * 24 * time.Hour))
	if code, _, _ := fetch(t, fw[0]); code != 403 {
		t.Errorf("expired forward URL: %d, want 403", code)
	}
}

// expected_datetime is the end of the SLA's n-th working day after the
// request, weekends and configured holidays skipped, in +07:00.
func TestOpen311ExpectedDatetime(t *testing.T) {
	tests := []struct {
		name     string
		filed    time.Time
		days     int
		holidays []string
		want     string
	}{
		{"friday evening, 5 days", time.Date(2026, 12, 4, 20, 0, 0, 0, wib), 5, nil, "2026-12-12T00:00:00+07:00"},
		{"a holiday monday", time.Date(2026, 12, 4, 20, 0, 0, 0, wib), 5, []string{"2026-12-07"}, "2026-12-15T00:00:00+07:00"},
		{"3 days from a UTC evening (already tuesday in WIB)", time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC), 3, nil, "2026-12-05T00:00:00+07:00"},
		{"default 5", time.Date(2026, 11, 30, 9, 0, 0, 0, wib), 0, nil, "2026-12-08T00:00:00+07:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{t: tc.filed}
			_, srv := specServer(t, clk, func(c *api.Config) { c.SLARespondDays, c.Holidays = tc.days, tc.holidays })
			form := url.Values{"api_key": {"key-a"}, "service_code": {"jalan"}, "address_string": {"Jl. A"}, "description": {"x"}}
			resp, err := http.PostForm(srv.URL+api.Open311Root+"/requests.json", form)
			if err != nil {
				t.Fatal(err)
			}
			var created []struct {
				ID string `json:"service_request_id"`
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if json.Unmarshal(b, &created) != nil || len(created) != 1 {
				t.Fatalf("POST: %d %s", resp.StatusCode, b)
			}
			var got []struct {
				Expected  string `json:"expected_datetime"`
				Requested string `json:"requested_datetime"`
			}
			code, _, body := fetch(t, srv.URL+api.Open311Root+"/requests/"+created[0].ID+".json")
			if code != 200 || json.Unmarshal(body, &got) != nil || len(got) != 1 {
				t.Fatalf("GET: %d %s", code, body)
			}
			if got[0].Expected != tc.want || !strings.HasSuffix(got[0].Requested, "+07:00") {
				t.Errorf("expected_datetime %s (requested %s), want %s", got[0].Expected, got[0].Requested, tc.want)
			}
		})
	}
}

// The forwarder's client carries the target's jurisdiction_id.
func TestComplaintClientJurisdiction(t *testing.T) {
	if api.ComplaintClient(api.Config{}) != nil {
		t.Error("a client without a complaint API")
	}
	c := api.ComplaintClient(api.Config{ComplaintAPIURL: "https://311.example.go.id/open311/v2", ComplaintAPIKey: "k",
		ComplaintAPIJurisdiction: "sidoarjokab.go.id"})
	if c == nil || c.Jurisdiction != "sidoarjokab.go.id" || c.APIKey != "k" || c.HTTP == nil || c.HTTP.Timeout <= 0 {
		t.Fatalf("client %+v", c)
	}
}
