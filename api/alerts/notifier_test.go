package alerts_test

import (
	"testing"

	"github.com/aduan-id/aduan/api/alerts"
)

func TestAlertOncePerID(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		a         alerts.Alert
		wantAdded bool
	}{
		{alerts.Alert{ID: "new:SDA-AAAAAA", Kind: alerts.KindNewReport, Number: "SDA-AAAAAA"}, true},
		{alerts.Alert{ID: "new:SDA-AAAAAA", Kind: alerts.KindNewReport, Number: "SDA-AAAAAA"}, false},
		{alerts.Alert{ID: "new:SDA-BBBBBB", Kind: alerts.KindNewReport, Number: "SDA-BBBBBB"}, true},
		{alerts.Alert{Kind: alerts.KindSLA, Number: "SDA-CCCCCC"}, true}, // no id: always
		{alerts.Alert{Kind: alerts.KindSLA, Number: "SDA-CCCCCC"}, true},
	}
	for i, tc := range tests {
		added, err := e.n.Alert(ctxT(t), tc.a)
		if err != nil || added != tc.wantAdded {
			t.Errorf("%d: Alert(%+v) = %v, %v; want %v", i, tc.a, added, err, tc.wantAdded)
		}
	}
	if _, err := e.n.Alert(ctxT(t), alerts.Alert{}); err == nil {
		t.Error("an alert without a kind was accepted")
	}
	if got := value(t, e.m, "aduan_alerts_total", "new_report"); got != 2 {
		t.Errorf("aduan_alerts_total{new_report} = %v, want 2", got)
	}
}
