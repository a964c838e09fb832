package alerts

import "github.com/prometheus/client_golang/prometheus"

// Metrics is the package's Prometheus collector: register it once.
//   - aduan_alerts_total{kind}: alerts queued (each id once);
//   - aduan_alert_messages_total{channel}: messages sent (telegram: queued on
//     the outbound stream; email: accepted by the SMTP server);
//   - aduan_alert_message_failures_total{channel}: messages given up on after
//     their retries (each is also logged at ERROR).
//
// A nil *Metrics counts nothing.
type Metrics struct {
	alerts   *prometheus.CounterVec
	messages *prometheus.CounterVec
	failures *prometheus.CounterVec
}

var _ prometheus.Collector = (*Metrics)(nil)

// NewMetrics returns the collector, every known label at 0.
func NewMetrics() *Metrics {
	m := &Metrics{
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aduan_alerts_total",
			Help: "Alerts queued for supervisors and agency admins, by kind."}, []string{"kind"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aduan_alert_messages_total",
			Help: "Alert messages sent to admins (one per recipient per batch), by channel."}, []string{"channel"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aduan_alert_message_failures_total",
			Help: "Alert messages given up on after retries, by channel."}, []string{"channel"}),
	}
	for _, k := range Kinds {
		m.alerts.WithLabelValues(k)
	}
	for _, ch := range []string{ChannelTelegram, ChannelEmail} {
		m.messages.WithLabelValues(ch)
		m.failures.WithLabelValues(ch)
	}
	return m
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.alerts.Describe(ch)
	m.messages.Describe(ch)
	m.failures.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.alerts.Collect(ch)
	m.messages.Collect(ch)
	m.failures.Collect(ch)
}

func (m *Metrics) alerted(kind string) {
	if m != nil {
		m.alerts.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) sent(channel string) {
	if m != nil {
		m.messages.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) failed(channel string) {
	if m != nil {
		m.failures.WithLabelValues(channel).Inc()
	}
}
