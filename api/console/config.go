package console

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aduan-id/aduan/bot"
)

// Config configures the console. The zero value of every field has a sensible
// default (see withDefaults). cmd/aduan reads the operator's settings from the
// environment into it, refusing bad values there, so the console never reads
// the environment itself; ValidateConfig checks what New would panic on.
type Config struct {
	Prefix string // Redis key prefix, "aduan" by default
	// SecureCookies marks the session cookie Secure (serve over HTTPS, or
	// behind a TLS-terminating proxy). When false, the cookie is still Secure
	// for requests that arrived over TLS.
	SecureCookies bool
	// TrustedProxies are CIDRs of reverse proxies whose X-Forwarded-For is
	// believed. Empty: the direct peer address is the client address.
	TrustedProxies []string
	// IdleTimeout ends a session after this long without a request (2h).
	IdleTimeout time.Duration
	// MaxSessionAge ends a session this long after login, active or not (12h).
	MaxSessionAge time.Duration
	// LoginMaxFailures failed logins within LoginWindow lock an account or a
	// client address out (429) until the window passes (5 in 15 min).
	LoginMaxFailures int
	LoginWindow      time.Duration
	// SLA: working days to verify a new report (3) and to respond (5).
	SLAVerifyDays  int
	SLARespondDays int
	// Holidays are dates (YYYY-MM-DD) that are not working days; weekends never are.
	Holidays []string
	// Location is the time zone of working days and of the dates shown (Asia/Jakarta).
	Location *time.Location
	// AuditRetention is how long the audit log keeps entries (400 days).
	AuditRetention time.Duration
	// CannedReplies are the reply templates offered in the reply box
	// (Indonesian defaults when empty).
	CannedReplies []string
	// PageSize is the number of reports per inbox page (25).
	PageSize int
	// MediaStore serves the photos of reports; nil hides photos.
	MediaStore bot.MediaStore
	// WhatsApp shows the channel's state and links its number (supervisors);
	// nil hides the page.
	WhatsApp *WhatsAppLink
	// Now is a test seam for the clock (time.Now).
	Now func() time.Time
}

// DefaultCannedReplies are offered in the reply box when none are configured.
var DefaultCannedReplies = []string{
	"Terima kasih atas laporan Anda. Laporan sudah kami terima dan sedang kami verifikasi.",
	"Laporan Anda sudah kami teruskan ke petugas lapangan. Mohon ditunggu tindak lanjutnya.",
	"Mohon kirimkan foto atau lokasi yang lebih jelas agar petugas dapat menemukan tempatnya.",
	"Petugas kami sudah menangani masalah ini. Terima kasih atas kepedulian Anda.",
	"Mohon maaf, laporan ini bukan kewenangan kami. Laporan akan kami teruskan ke instansi yang berwenang.",
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "aduan"
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Hour
	}
	if c.MaxSessionAge <= 0 {
		c.MaxSessionAge = 12 * time.Hour
	}
	if c.LoginMaxFailures <= 0 {
		c.LoginMaxFailures = 5
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = 15 * time.Minute
	}
	if c.SLAVerifyDays <= 0 {
		c.SLAVerifyDays = 3
	}
	if c.SLARespondDays <= 0 {
		c.SLARespondDays = 5
	}
	if c.Location == nil {
		c.Location = jakarta()
	}
	if c.AuditRetention <= 0 {
		c.AuditRetention = 400 * 24 * time.Hour
	}
	if len(c.CannedReplies) == 0 {
		c.CannedReplies = DefaultCannedReplies
	}
	if c.PageSize <= 0 {
		c.PageSize = 25
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// jakarta is WIB (UTC+7). Indonesia has no daylight saving time, so a fixed
// zone is exact when the tz database is missing from a slim image.
func jakarta() *time.Location {
	if loc, err := time.LoadLocation("Asia/Jakarta"); err == nil {
		return loc
	}
	return time.FixedZone("WIB", 7*3600)
}

func parseCIDRs(list []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range list {
		if !strings.Contains(s, "/") {
			if ip := net.ParseIP(s); ip != nil && ip.To4() != nil {
				s += "/32"
			} else {
				s += "/128"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		out = append(out, n)
	}
	return out, nil
}
