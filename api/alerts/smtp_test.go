package alerts_test

import (
	"strings"
	"testing"

	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/api/alerts/alertstest"
)

func TestAlertSMTPURL(t *testing.T) {
	tests := []struct {
		url  string
		ok   bool
		from string
	}{
		{"smtp://user:pa%24s@mail.example.go.id:587?from=aduan@example.go.id", true, "aduan@example.go.id"},
		{"smtp://mail.example.go.id?from=aduan@example.go.id", true, "aduan@example.go.id"},
		{"smtps://u:p@mail.example.go.id?from=aduan@example.go.id", true, "aduan@example.go.id"},
		{"smtp://mail.example.go.id", false, ""},                                // no from
		{"smtp://mail.example.go.id?from=Aduan%20%3Ca@b.id%3E", false, ""},      // a display name
		{"smtp://mail.example.go.id?from=a@b.id%0D%0ABcc:%20x@y.id", false, ""}, // header injection
		{"http://mail.example.go.id?from=a@b.id", false, ""},
		{"smtp://?from=a@b.id", false, ""},
		{"::", false, ""},
	}
	for _, tc := range tests {
		s, err := alerts.ParseSMTPURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("ParseSMTPURL(%q) error %v, want ok=%v", tc.url, err, tc.ok)
			continue
		}
		if got := alerts.SMTPProblem(tc.url); (got == "") != tc.ok {
			t.Errorf("SMTPProblem(%q) = %q", tc.url, got)
		}
		if tc.ok && s.From() != tc.from {
			t.Errorf("ParseSMTPURL(%q).From() = %q, want %q", tc.url, s.From(), tc.from)
		}
	}
}

// With user info in the URL the mailer authenticates (AUTH PLAIN; net/smtp
// allows it in clear only to localhost), and a wrong password is an error.
func TestAlertSMTPAuth(t *testing.T) {
	srv := alertstest.NewSMTP(t)
	srv.RequireAuth("aduan", "s3cret")
	m, err := alerts.ParseSMTPURL(srv.URL("aduan@sidoarjo.go.id"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Mail(ctxT(t), "ratna@sidoarjo.go.id", "Aduan: 1 peringatan baru", "Laporan baru\n.titik di awal"); err != nil {
		t.Fatalf("Mail: %v", err)
	}
	got := srv.To("ratna@sidoarjo.go.id")
	if len(got) != 1 || got[0].Body != "Laporan baru\n.titik di awal" || got[0].Subject != "Aduan: 1 peringatan baru" {
		t.Fatalf("received %+v", got)
	}
	if !strings.Contains(got[0].Raw, "Auto-Submitted: auto-generated") {
		t.Errorf("no Auto-Submitted header:\n%s", got[0].Raw)
	}
	bad, _ := alerts.ParseSMTPURL(strings.Replace(srv.URL("aduan@sidoarjo.go.id"), "s3cret", "wrong", 1))
	if err := bad.Mail(ctxT(t), "ratna@sidoarjo.go.id", "x", "y"); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := m.Mail(ctxT(t), "ratna@sidoarjo.go.id\r\nBcc: x@y.id", "x", "y"); err == nil {
		t.Error("a recipient with a line break was accepted")
	}
}
