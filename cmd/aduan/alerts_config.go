package main

import (
	"time"

	"github.com/aduan-id/aduan/api/alerts"
)

// alertsSettings are the alerts' operator settings.
type alertsSettings struct {
	// SMTPURL is where email alerts go (ADUAN_SMTP_URL); empty: no email.
	SMTPURL string
	// Interval is the batching interval: at most one message per recipient
	// this often (ADUAN_ALERT_INTERVAL; zero: the batcher's default, 1m).
	Interval time.Duration
}

// readAlertsConfig reads ADUAN_SMTP_URL and ADUAN_ALERT_INTERVAL.
func readAlertsConfig(r *envReader) alertsSettings {
	return alertsSettings{
		SMTPURL:  r.check("ADUAN_SMTP_URL", "", showURL, alerts.SMTPProblem),
		Interval: r.duration("ADUAN_ALERT_INTERVAL", 0),
	}
}
