package main

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of sorted:
// the smallest value with at least p% of the values at or below it. Zero for
// an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// latencySummary is p50/p90/p99/max of ds (which it sorts).
type latencySummary struct {
	n                  int
	p50, p90, p99, max time.Duration
}

func summarize(ds []time.Duration) latencySummary {
	slices.Sort(ds)
	s := latencySummary{n: len(ds)}
	if len(ds) == 0 {
		return s
	}
	s.p50, s.p90, s.p99 = percentile(ds, 50), percentile(ds, 90), percentile(ds, 99)
	s.max = ds[len(ds)-1]
	return s
}

// loopbackHost reports whether host (a name or an IP, without port) is
// localhost or in 127.0.0.0/8. Names are not resolved: only "localhost"
// itself is accepted.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	ip4 := ip.To4()
	return ip4 != nil && ip4[0] == 127
}

// checkTarget accepts only an http(s) URL on a loopback host: this tool must
// never flood anything but the machine it runs on.
func checkTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad target %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("target %q: scheme must be http or https", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("target %q: no user info allowed", raw)
	}
	if !loopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("target %q is not on 127.0.0.0/8 or localhost: refused", raw)
	}
	return u, nil
}

// checkListen accepts only a host:port on a loopback host.
func checkListen(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad listen address %q: %w", addr, err)
	}
	if !loopbackHost(host) {
		return fmt.Errorf("listen address %q is not on 127.0.0.0/8 or localhost: refused", addr)
	}
	return nil
}

// loadAvg returns the first three fields of /proc/loadavg ("1.02 0.87 0.66"),
// or "unknown".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return parseLoadAvg(string(b))
}

func parseLoadAvg(s string) string {
	f := strings.Fields(s)
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// rate is n per second over d; zero when d is not positive.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// peakInWindow is the largest number of times falling in any window of
// length w (a half-open interval [t, t+w)); times need not be sorted.
func peakInWindow(times []time.Time, w time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	peak, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}
