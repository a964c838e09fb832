package console

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aduan-id/aduan/bot"
)

// Config configures the console. The zero value of every field has a sensible
// default (see withDefaults); ConfigFromEnv reads the operator's settings.
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

// ConfigFromEnv reads the console settings from the environment:
//
//	ADUAN_CONSOLE_SECURE_COOKIES  true|false (default false)
//	ADUAN_TRUSTED_PROXIES         comma-separated CIDRs, e.g. 10.0.0.0/8,127.0.0.1/32
//	ADUAN_HOLIDAYS                comma-separated dates, e.g. 2026-12-25,2027-01-01
//	ADUAN_SLA_VERIFY_DAYS         working days to verify (3)
//	ADUAN_SLA_RESPOND_DAYS        working days to respond (5)
//	ADUAN_CONSOLE_IDLE_TIMEOUT    e.g. 2h
//	ADUAN_CANNED_REPLIES          canned replies separated by "|"
//	ADUAN_AUDIT_RETENTION_DAYS    how long the audit log keeps entries (400)
//
// The prefix and the media store are left for the caller to set.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	var err error
	if v := getenv("ADUAN_CONSOLE_SECURE_COOKIES"); v != "" {
		if c.SecureCookies, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("ADUAN_CONSOLE_SECURE_COOKIES: %w", err)
		}
	}
	c.TrustedProxies = splitList(getenv("ADUAN_TRUSTED_PROXIES"), ",")
	if _, err := parseCIDRs(c.TrustedProxies); err != nil {
		return c, fmt.Errorf("ADUAN_TRUSTED_PROXIES: %w", err)
	}
	c.Holidays = splitList(getenv("ADUAN_HOLIDAYS"), ",")
	if _, err := parseHolidays(c.Holidays); err != nil {
		return c, fmt.Errorf("ADUAN_HOLIDAYS: %w", err)
	}
	for name, dst := range map[string]*int{"ADUAN_SLA_VERIFY_DAYS": &c.SLAVerifyDays, "ADUAN_SLA_RESPOND_DAYS": &c.SLARespondDays} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return c, fmt.Errorf("%s: want a positive number of working days, got %q", name, v)
			}
			*dst = n
		}
	}
	if v := getenv("ADUAN_CONSOLE_IDLE_TIMEOUT"); v != "" {
		if c.IdleTimeout, err = time.ParseDuration(v); err != nil {
			return c, fmt.Errorf("ADUAN_CONSOLE_IDLE_TIMEOUT: %w", err)
		}
	}
	c.CannedReplies = splitList(getenv("ADUAN_CANNED_REPLIES"), "|")
	if v := getenv("ADUAN_AUDIT_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("ADUAN_AUDIT_RETENTION_DAYS: want a positive number of days, got %q", v)
		}
		c.AuditRetention = time.Duration(n) * 24 * time.Hour
	}
	return c, nil
}

func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
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
