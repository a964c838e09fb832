package console

import (
	"strings"
	"testing"
	"time"
)

// ValidateConfig reports, as an error, every setting New would panic on, so
// cmd/aduan can refuse to start instead of crashing after opening Redis.
func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" means valid
	}{
		{"zero value", Config{}, ""},
		{"all set", Config{SecureCookies: true, TrustedProxies: []string{"10.0.0.0/8", "127.0.0.1", "::1"},
			Holidays: []string{"2026-12-25", "2027-01-01"}, SLAVerifyDays: 2, SLARespondDays: 7,
			IdleTimeout: 30 * time.Minute, CannedReplies: []string{"Satu", "Dua"}, AuditRetention: 30 * 24 * time.Hour}, ""},
		{"bad proxy", Config{TrustedProxies: []string{"10.0.0.0/99"}}, `"10.0.0.0/99"`},
		{"proxy that is a name", Config{TrustedProxies: []string{"proxy.local"}}, "proxy.local"},
		{"bad holiday", Config{Holidays: []string{"25/12/2026"}}, `"25/12/2026"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateConfig(tc.cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("ValidateConfig = %v, want nil", err)
			case tc.want != "" && err == nil:
				t.Fatalf("ValidateConfig = nil, want an error naming %s", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("ValidateConfig = %v, want it to name %s", err, tc.want)
			}
		})
	}
}

// The zero Config gets the documented defaults, so cmd/aduan can leave unset
// variables at zero and the console stays the one place its defaults live.
func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Prefix != "aduan" || c.IdleTimeout != 2*time.Hour || c.MaxSessionAge != 12*time.Hour ||
		c.LoginMaxFailures != 5 || c.LoginWindow != 15*time.Minute || c.SLAVerifyDays != 3 ||
		c.SLARespondDays != 5 || c.AuditRetention != 400*24*time.Hour || c.PageSize != 25 ||
		len(c.CannedReplies) != len(DefaultCannedReplies) || c.Location == nil || c.Now == nil {
		t.Errorf("defaults = %+v", c)
	}
}
