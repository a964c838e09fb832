package api_test

import (
	"github.com/aduan-id/aduan/api"

	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/flows"
)

// Every kind of change sends exactly one event to each URL, however often
// its request is repeated, with both header sets valid, the webhook-id being
// the event id, and only the agency view in the body.
func TestWebhookEventPerChange(t *testing.T) {
	a, b := newHookReceiver(t, nil), newHookReceiver(t, nil)
	e := newEnv(t, api.WithOutboundWebhooks(a.srv.URL, b.srv.URL))
	ctx := ctxT(t)
	const n, chat = "SDA-EVT001", "chat-secret-44"
	num := map[string]string{"number": n}
	twice := func(what string, fn func() error) {
		t.Helper()
		for range 2 { // a redelivery or a repeated form changes nothing
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
	}
	action := func(kind string, args, fields map[string]string) func() error {
		env := actionEnv(kind, "telegram", chat, args, fields)
		return func() error { return e.svc.HandleAction(ctx, env) }
	}
	submit := submitEnv(n, "telegram", chat, "anonim")
	twice("submit", func() error { return e.svc.HandleAction(ctx, submit) })
	twice("add_info", action(flows.ActionAddInfo, num, map[string]string{"info": "Makin dalam"}))
	twice("answer", action(flows.ActionAnswer, map[string]string{"number": n, "text": "Depan pasar"}, nil))
	twice("verify", func() error {
		return e.svc.ChangeStatus(ctx, n, "admin@sidoarjo.go.id", api.StatusVerified, "Sedang dicek", "form-1")
	})
	twice("console reply", func() error { return e.svc.Reply(ctx, n, "admin@sidoarjo.go.id", "Besok disurvei", "form-2") })
	twice("back office reply", func() error {
		return e.svc.ApplyEvent(ctx, api.InboundEvent{EventID: "bo-1", Type: "reply", TrackingNumber: n, Text: "Tim berangkat"})
	})
	twice("resolve", func() error {
		return e.svc.ChangeStatus(ctx, n, "admin@sidoarjo.go.id", api.StatusResolved, "Sudah ditambal", "form-3")
	})
	twice("reopen", action(flows.ActionReopen, map[string]string{"number": n, "note": "Masih berlubang"}, nil))
	twice("resolve again", func() error {
		return e.svc.ApplyEvent(ctx, api.InboundEvent{EventID: "bo-2", Type: "status", TrackingNumber: n, Status: "Selesai"})
	})
	twice("rate", action(flows.ActionRate, map[string]string{"number": n, "rating": "5", "comment": "Cepat"}, nil))
	want := []string{api.HookCreated, api.HookInformationAdded, api.HookAnswered, api.HookStatusChanged, api.HookReplied,
		api.HookReplied, api.HookStatusChanged, api.HookReopened, api.HookStatusChanged, api.HookRated}

	e.drain(t)
	run(t, api.NewWebhookSender(e.svc, fast(api.Config{WebhookSecret: testSecret})).Run)
	if queued, err := e.svc.RDB().XLen(ctx, e.svc.HookStream()).Result(); err != nil || queued != int64(2*len(want)) {
		t.Fatalf("webhook queue holds %d entries (%v), want %d", queued, err, 2*len(want))
	}
	eventually(t, "every event delivered to both URLs", func() bool {
		ba, _, _ := a.got()
		bb, _, _ := b.got()
		return len(ba) >= len(want) && len(bb) >= len(want)
	})
	time.Sleep(200 * time.Millisecond) // nothing more arrives
	var eventIDs [2][]string
	for i, h := range []*hookReceiver{a, b} {
		bodies, legacyIDs, bad := h.got()
		msgIDs := h.webhookIDs()
		if bad != 0 || len(bodies) != len(want) {
			t.Fatalf("receiver %d: %d bodies (want %d), %d badly signed", i, len(bodies), len(want), bad)
		}
		var types []string
		for j, body := range bodies {
			var ev api.HookEvent
			if err := json.Unmarshal([]byte(body), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.EventID == "" || msgIDs[j] != ev.EventID || legacyIDs[j] != ev.EventID {
				t.Fatalf("event_id %q, webhook-id %q, X-Aduan-Event-Id %q: want one id", ev.EventID, msgIDs[j], legacyIDs[j])
			}
			if !ev.Timestamp.Equal(ev.OccurredAt) || ev.TrackingNumber != n || ev.Report.Identity != api.IdentityAnonim {
				t.Fatalf("event %+v", ev)
			}
			for _, leak := range []string{chat, "Siti", "081234567890", "admin@"} {
				if strings.Contains(body, leak) {
					t.Fatalf("%s carries %q: %s", ev.Type, leak, body)
				}
			}
			types = append(types, ev.Type)
			eventIDs[i] = append(eventIDs[i], ev.EventID)
			checkEventData(t, ev)
		}
		got, exp := slices.Clone(types), slices.Clone(want)
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Fatalf("receiver %d got %v, want %v", i, types, want)
		}
		ids := slices.Clone(eventIDs[i])
		slices.Sort(ids)
		if len(slices.Compact(ids)) != len(want) {
			t.Fatalf("receiver %d: repeated event ids %v", i, eventIDs[i])
		}
	}
	slices.Sort(eventIDs[0])
	slices.Sort(eventIDs[1])
	if !slices.Equal(eventIDs[0], eventIDs[1]) {
		t.Fatalf("the URLs got different event ids: %v / %v", eventIDs[0], eventIDs[1])
	}
}

// checkEventData checks the data of the events a change of status or a
// reply sends.
func checkEventData(t *testing.T, ev api.HookEvent) {
	t.Helper()
	d := ev.Data
	switch ev.Type {
	case api.HookStatusChanged:
		ok := map[string]bool{
			"received>verified:Sedang dicek:console":   true,
			"verified>resolved:Sudah ditambal:console": true,
			"in_progress>resolved::webhook":            true,
		}[str(d["from"])+">"+str(d["to"])+":"+str(d["note"])+":"+str(d["source"])]
		if !ok || str(d["to"]) != string(ev.Report.Status) {
			t.Fatalf("status_changed data %v, report status %q", d, ev.Report.Status)
		}
	case api.HookReplied:
		if !(d["text"] == "Besok disurvei" && d["source"] == "console") && !(d["text"] == "Tim berangkat" && d["source"] == "webhook") {
			t.Fatalf("replied data %v", d)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }
