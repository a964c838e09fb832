package queue

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Counters are one queue's counters since start. The methods are safe on a
// nil *Counters (a worker without metrics).
type Counters struct {
	handled, retried, dead, reclaimed atomic.Int64
}

// Handled counts an entry done and acknowledged.
func (c *Counters) Handled() {
	if c != nil {
		c.handled.Add(1)
	}
}

// Retried counts a failed attempt that will be retried.
func (c *Counters) Retried() {
	if c != nil {
		c.retried.Add(1)
	}
}

// Dead counts an entry dead-lettered.
func (c *Counters) Dead() {
	if c != nil {
		c.dead.Add(1)
	}
}

// Reclaimed counts entries taken over from a dead consumer.
func (c *Counters) Reclaimed(n int) {
	if c != nil {
		c.reclaimed.Add(int64(n))
	}
}

// Stats are a snapshot of Counters.
type Stats struct {
	Handled, Retried, Dead, Reclaimed int64
}

// Stats returns the counters' values (zero for nil).
func (c *Counters) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	return Stats{Handled: c.handled.Load(), Retried: c.retried.Load(), Dead: c.dead.Load(), Reclaimed: c.reclaimed.Load()}
}

// Metrics exposes every queue to Prometheus, one family per measure with a
// "queue" label: aduan_queue_depth (entries not yet handled: pending plus not
// yet delivered), aduan_queue_oldest_pending_seconds, and the counters
// aduan_queue_{handled,retried,dead}_total. Depth and age are read from Redis
// at scrape time, in one pipelined round trip per queue.
type Metrics struct {
	mu      sync.Mutex
	queues  map[string]*queueSource
	timeout time.Duration

	depth, oldest, handled, retried, dead *prometheus.Desc
}

type queueSource struct {
	counters *Counters
	rdb      redis.UniversalClient
	group    string
	streams  []string
}

var _ prometheus.Collector = (*Metrics)(nil)

// NewMetrics returns an empty set; register it once with a Prometheus
// registry, then let workers add their queues.
func NewMetrics() *Metrics {
	l := []string{"queue"}
	return &Metrics{
		queues: map[string]*queueSource{}, timeout: 2 * time.Second,
		depth:   prometheus.NewDesc("aduan_queue_depth", "Entries not yet handled (pending plus not yet delivered).", l, nil),
		oldest:  prometheus.NewDesc("aduan_queue_oldest_pending_seconds", "Age of the oldest entry delivered and not yet acknowledged.", l, nil),
		handled: prometheus.NewDesc("aduan_queue_handled_total", "Entries handled and acknowledged.", l, nil),
		retried: prometheus.NewDesc("aduan_queue_retried_total", "Failed attempts that will be retried.", l, nil),
		dead:    prometheus.NewDesc("aduan_queue_dead_total", "Entries dead-lettered.", l, nil),
	}
}

// Queue returns the counters of queue name (created on first use) and, when
// rdb is not nil, watches the depth of its streams read by group. Safe on a
// nil *Metrics: it returns fresh counters that nobody exports.
func (m *Metrics) Queue(name string, rdb redis.UniversalClient, group string, streams []string) *Counters {
	if m == nil {
		return &Counters{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queues[name]
	if q == nil {
		q = &queueSource{counters: &Counters{}}
		m.queues[name] = q
	}
	if rdb != nil {
		q.rdb, q.group, q.streams = rdb, group, streams
	}
	return q.counters
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.depth, m.oldest, m.handled, m.retried, m.dead} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	names := make([]string, 0, len(m.queues))
	for n := range m.queues {
		names = append(names, n)
	}
	qs := make([]queueSource, 0, len(names))
	sort.Strings(names)
	for _, n := range names {
		qs = append(qs, *m.queues[n])
	}
	m.mu.Unlock()
	for i, q := range qs {
		st := q.counters.Stats()
		ch <- prometheus.MustNewConstMetric(m.handled, prometheus.CounterValue, float64(st.Handled), names[i])
		ch <- prometheus.MustNewConstMetric(m.retried, prometheus.CounterValue, float64(st.Retried), names[i])
		ch <- prometheus.MustNewConstMetric(m.dead, prometheus.CounterValue, float64(st.Dead), names[i])
		if q.rdb == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), m.timeout)
		depth, oldest, err := q.measure(ctx)
		cancel()
		if err != nil {
			continue // Redis down: no gauge beats a wrong one
		}
		ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, float64(depth), names[i])
		ch <- prometheus.MustNewConstMetric(m.oldest, prometheus.GaugeValue, oldest.Seconds(), names[i])
	}
}

// measure reads the depth and the oldest pending entry's age over the
// queue's streams.
func (q *queueSource) measure(ctx context.Context) (int64, time.Duration, error) {
	pipe := q.rdb.Pipeline()
	infos := make([]*redis.XInfoGroupsCmd, len(q.streams))
	pends := make([]*redis.XPendingCmd, len(q.streams))
	for i, s := range q.streams {
		infos[i] = pipe.XInfoGroups(ctx, s)
		pends[i] = pipe.XPending(ctx, s, q.group)
	}
	if _, err := pipe.Exec(ctx); err != nil && !anyAnswered(infos) {
		return 0, 0, err // Redis did not answer at all
	}
	var depth int64
	var oldest time.Time
	for i := range q.streams {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		for _, g := range infos[i].Val() {
			if g.Name == q.group {
				depth += g.Pending + max(g.Lag, 0)
			}
		}
		p := pends[i].Val()
		if p == nil || p.Count == 0 {
			continue
		}
		if t := IDTime(p.Lower); !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return depth, 0, nil
	}
	return depth, time.Since(oldest), nil
}

func anyAnswered(cmds []*redis.XInfoGroupsCmd) bool {
	for _, c := range cmds {
		if c.Err() == nil {
			return true
		}
	}
	return false
}
