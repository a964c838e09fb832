package api_test

import (
	"github.com/aduan-id/aduan/api"

	"strings"
	"testing"
)

func TestPoller(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	f := newFake311(t, nil)
	for _, n := range []string{"SDA-POL001", "SDA-POL002"} {
		if err := e.svc.HandleAction(ctx, submitEnv(n, "telegram", "8", "public")); err != nil {
			t.Fatal(err)
		}
	}
	stop := run(t, quick(api.NewForwarder(e.svc, externalCfg(f))).Run)
	eventually(t, "both forwarded", func() bool {
		a, _ := e.svc.Get(ctx, "SDA-POL001")
		b, _ := e.svc.Get(ctx, "SDA-POL002")
		return a.Forwarded() && b.Forwarded()
	})
	stop()
	a, _ := e.svc.Get(ctx, "SDA-POL001")
	ext := a.ServiceRequestID
	p := api.NewPoller(e.svc, externalCfg(f))
	p.SetBatch(1)
	base := len(e.notes.texts())
	steps := []struct {
		name          string
		status, notes string
		wantStatus    api.Status
		wantNotices   int
		wantFlows     int
	}{
		{"nothing changed", "open", "", api.StatusReceived, 0, 0},
		{"notes while open", "open", "Dijadwalkan Senin", api.StatusReceived, 1, 0},
		{"same again", "open", "Dijadwalkan Senin", api.StatusReceived, 1, 0},
		{"closed", "closed", "Sudah diperbaiki", api.StatusResolved, 1, 1},
		{"closed again", "closed", "Sudah diperbaiki", api.StatusResolved, 1, 1},
	}
	for _, s := range steps {
		f.setStatus(ext, s.status, s.notes)
		f.mu.Lock()
		before := len(f.gets)
		f.mu.Unlock()
		if err := p.PollOnce(ctx); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		r, _ := e.svc.Get(ctx, "SDA-POL001")
		if r.Status != s.wantStatus {
			t.Fatalf("%s: status %q, want %q", s.name, r.Status, s.wantStatus)
		}
		if got := len(e.notes.texts()) - base; got != s.wantNotices {
			t.Fatalf("%s: %d notices, want %d: %q", s.name, got, s.wantNotices, e.notes.texts())
		}
		if got := len(e.flows.all()); got != s.wantFlows {
			t.Fatalf("%s: %d flows started, want %d", s.name, got, s.wantFlows)
		}
		f.mu.Lock()
		gets := f.gets[before:]
		f.mu.Unlock()
		wantGets := 2 // batch of 1, two open reports
		if s.wantStatus == api.StatusResolved {
			wantGets = 1 // the resolved one is no longer polled
			if s.name == "closed" {
				wantGets = 2
			}
		}
		if len(gets) != wantGets {
			t.Fatalf("%s: %d GETs (%q), want %d", s.name, len(gets), gets, wantGets)
		}
	}
	if fl := e.flows.all(); fl[0].Flow != api.FlowResolved || !strings.Contains(fl[0].Intro, "Sudah diperbaiki") {
		t.Fatalf("resolved flow %+v", fl)
	}
}
