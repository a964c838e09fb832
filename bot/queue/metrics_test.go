package queue

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestMetricsOneFamilyPerMeasure(t *testing.T) {
	rdb, prefix, stream := testStream(t)
	ctx := context.Background()
	m := NewMetrics()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)

	// Two entries handled (one after a retry), one dead; then three wait,
	// one of them delivered and pending.
	for i := range 3 {
		add(t, rdb, stream, i)
	}
	var calls counter
	cfg := testWorkerConfig(stream, NewStreamSink(rdb, prefix+":dead", 10, nil), func(_ context.Context, msg Message) error {
		switch {
		case msg.Values["n"] == "2":
			return Permanent(errors.New("400"))
		case calls.next() == 1:
			return errors.New("503")
		}
		return nil
	})
	cfg.Metrics = m
	_, stop := startWorker(t, rdb, cfg, nil)
	waitFor(t, "entries settled", func() bool { return settled(t, rdb, stream) })
	stop()
	for i := range 3 {
		add(t, rdb, stream, 10+i)
	}
	if _, err := NewReader(rdb, stream, "g", "other").Read(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)

	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			if label(mt, "queue") != "test" {
				t.Errorf("%s without the queue label", f.GetName())
			}
			got[f.GetName()] = mt.GetCounter().GetValue() + mt.GetGauge().GetValue()
		}
	}
	want := map[string]float64{"aduan_queue_handled_total": 2, "aduan_queue_retried_total": 1,
		"aduan_queue_dead_total": 1, "aduan_queue_depth": 3}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
	if age := got["aduan_queue_oldest_pending_seconds"]; age <= 0 || age > 60 {
		t.Errorf("oldest pending age %v s", age)
	}
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
