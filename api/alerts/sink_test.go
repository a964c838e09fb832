package alerts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/alerts"
	"github.com/aduan-id/aduan/bot"
)

// A queue may hand the sink one entry twice (a crash between the dead-letter
// write and the ack): the store is called twice, the alert is queued once.
func TestAlertSinkCalledTwiceAlertsOnce(t *testing.T) {
	e := newEnv(t)
	store := &recordingSink{}
	var lookups int
	sink := alerts.WrapSink(store, alerts.SinkConfig{Notifier: e.n, Directory: e.dir,
		AgencyOf: func(_ context.Context, number string) (string, error) {
			lookups++
			if number != "SDA-DPU001" {
				t.Errorf("agency of %q looked up", number)
			}
			return "DPUBMSDA", nil
		}})
	d := deadLetter(1, api.DeadReply, "DPUBMSDA")
	d.Agency = "" // the queue does not know it; the store finds it for its own copy
	for range 2 {
		if err := sink.AddDeadLetter(ctxT(t), d); err != nil {
			t.Fatal(err)
		}
	}
	if store.calls != 2 || lookups != 2 {
		t.Errorf("store called %d times, agency looked up %d times; want 2 and 2", store.calls, lookups)
	}
	if _, err := e.batcher(nil).Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for chat, want := range map[string]int{"9001": 1, "9002": 1, "9003": 0} {
		if got := len(e.telegram(chat)); got != want {
			t.Errorf("chat %s: %d messages, want %d", chat, got, want)
		}
	}
	if got := value(t, e.m, "aduan_alerts_total", "dead_letter"); got != 1 {
		t.Errorf("aduan_alerts_total{dead_letter} = %v, want 1", got)
	}
}

// A dead letter the store could not write is not alerted (the queue tries
// again); an alert that could not be queued fails the sink (the queue writes
// the dead letter again, and the alert then).
func TestAlertSinkOrder(t *testing.T) {
	e := newEnv(t)
	failing := failingSink{errors.New("database down")}
	sink := alerts.WrapSink(failing, alerts.SinkConfig{Notifier: e.n, Directory: e.dir})
	if err := sink.AddDeadLetter(ctxT(t), deadLetter(1, api.DeadReply, "DLHK")); err == nil {
		t.Fatal("a failed store write was not reported")
	}
	if n, _ := e.rdb.XLen(ctxT(t), e.prefix+":{alerts}:stream").Result(); n != 0 {
		t.Errorf("%d alerts queued for a dead letter that was not recorded", n)
	}
	sink = alerts.WrapSink(&recordingSink{}, alerts.SinkConfig{Notifier: e.n, Directory: e.dir,
		AgencyOf: func(context.Context, string) (string, error) { return "", errors.New("database down") }})
	d := deadLetter(2, api.DeadReply, "DLHK")
	d.Agency = ""
	if err := sink.AddDeadLetter(ctxT(t), d); err == nil {
		t.Fatal("an alert that could not be routed did not fail the sink")
	}
}

// The dead letter of a message to an admin's linked chat (an alert the admin
// blocked) raises no alert: it would go to the same chat and fail again.
func TestAlertNotRaisedForAdminChatDeadLetter(t *testing.T) {
	e := newEnv(t)
	sink := alerts.WrapSink(&recordingSink{}, alerts.SinkConfig{Notifier: e.n, Directory: e.dir})
	d := deadLetter(1, api.DeadReply, "DLHK")
	d.Number, d.Agency = "", ""
	d.Payload = map[string]string{bot.FieldOutbound: `{"ch":"telegram","chat":"9002","text":"🔔 Aduan"}`}
	if err := sink.AddDeadLetter(ctxT(t), d); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.rdb.XLen(ctxT(t), e.prefix+":{alerts}:stream").Result(); n != 0 {
		t.Errorf("%d alerts queued for an alert's own dead letter", n)
	}
}

type failingSink struct{ err error }

func (f failingSink) AddDeadLetter(context.Context, api.DeadLetter) error { return f.err }
