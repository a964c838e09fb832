package api_test

import (
	"github.com/aduan-id/aduan/api"

	"strings"
	"testing"

	"github.com/aduan-id/aduan/flows"
)

func TestStatusByWho(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	for _, s := range []struct{ number, identity string }{
		{"SDA-PUB001", "public"}, {"SDA-ANO001", "anonim"}, {"SDA-RAH001", "rahasia"},
	} {
		if err := e.svc.HandleAction(ctx, submitEnv(s.number, "telegram", "100", s.identity)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Reply(ctx, "SDA-PUB001", "admin1", "Tim meluncur besok", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, number, channel, chat string
		want, notWant               []string
	}{
		{"reporter public", "SDA-PUB001", "telegram", "100",
			[]string{"Jalan berlubang", "Diterima", "Tim meluncur besok"}, nil},
		{"reporter rahasia", "sda-rah001", "telegram", "100", []string{"Jalan berlubang", "Diterima"}, nil},
		{"stranger public", "SDA-PUB001", "telegram", "999",
			[]string{"SDA-PUB001", "Jalan dan jembatan", "Diterima"}, []string{"Jalan berlubang", "meluncur", "Siti"}},
		{"stranger anonim", "SDA-ANO001", "telegram", "999",
			[]string{"SDA-ANO001", "Diterima"}, []string{"Jalan berlubang", "Siti", "0812"}},
		{"same chat id other channel", "SDA-RAH001", "whatsapp", "100",
			[]string{"tidak ditemukan"}, []string{"Diterima", "Jalan"}},
		{"stranger rahasia", "SDA-RAH001", "telegram", "999",
			[]string{"tidak ditemukan"}, []string{"Diterima", "Jalan"}},
		{"unknown", "SDA-XXXXXX", "telegram", "100", []string{"tidak ditemukan"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.notes.texts())
			env := actionEnv(flows.ActionStatus, tc.channel, tc.chat, map[string]string{"number": tc.number}, nil)
			if err := e.svc.HandleAction(ctx, env); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.HandleAction(ctx, env); err != nil { // redelivered: answered once
				t.Fatal(err)
			}
			got := e.notes.texts()[before:]
			if len(got) != 1 {
				t.Fatalf("answers = %q, want exactly one", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("answer %q lacks %q", got[0], w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got[0], w) {
					t.Errorf("answer %q leaks %q", got[0], w)
				}
			}
		})
	}
}

func TestMyReportsOnlyOwn(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-MY0001", "telegram", "1", "public"))
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-MY0002", "telegram", "2", "public"))
	env := actionEnv(flows.ActionMyReports, "telegram", "1", map[string]string{"numbers": "SDA-MY0001 SDA-MY0002 SDA-NONE00"}, nil)
	if err := e.svc.HandleAction(ctx, env); err != nil {
		t.Fatal(err)
	}
	got := e.notes.texts()
	if len(got) != 1 || !strings.Contains(got[0], "SDA-MY0001") || strings.Contains(got[0], "SDA-MY0002") {
		t.Fatalf("my reports = %q", got)
	}
	// The session forgot its numbers (expired): the chat index still knows.
	_ = e.svc.HandleAction(ctx, submitEnv("SDA-MY0003", "telegram", "1", "rahasia"))
	env = actionEnv(flows.ActionMyReports, "telegram", "1", map[string]string{"numbers": ""}, nil)
	if err := e.svc.HandleAction(ctx, env); err != nil {
		t.Fatal(err)
	}
	got = e.notes.texts()
	if len(got) != 2 || strings.Index(got[1], "SDA-MY0003") > strings.Index(got[1], "SDA-MY0001") ||
		strings.Index(got[1], "SDA-MY0001") < 0 || strings.Contains(got[1], "SDA-MY0002") {
		t.Fatalf("my reports from the index = %q", got[1:])
	}
	// Nothing at all.
	env = actionEnv(flows.ActionMyReports, "whatsapp", "1", nil, nil)
	if err := e.svc.HandleAction(ctx, env); err != nil {
		t.Fatal(err)
	}
	if got = e.notes.texts(); !strings.Contains(got[2], "belum memiliki laporan") {
		t.Fatalf("empty list = %q", got[2])
	}
}

func TestFollowUpsOnlyByReporter(t *testing.T) {
	e := newEnv(t, api.WithOutboundWebhooks("http://hook.invalid/"))
	ctx := ctxT(t)
	n := "SDA-FUP001"
	if err := e.svc.HandleAction(ctx, submitEnv(n, "telegram", "5", "public")); err != nil {
		t.Fatal(err)
	}
	num := map[string]string{"number": n}
	steps := []struct {
		name      string
		kind      string
		chat      string
		args      map[string]string
		fields    map[string]string
		wantReply string // "" = silent (the flow thanked)
		wantEvent api.EventKind
	}{
		{"add_info stranger", flows.ActionAddInfo, "6", num, map[string]string{"info": "x"}, "tidak ditemukan", ""},
		{"add_info reporter", flows.ActionAddInfo, "5", num, map[string]string{"info": "Lubangnya makin besar"}, "informasi tambahan", api.EventAddition},
		{"answer stranger", flows.ActionAnswer, "6", map[string]string{"number": n, "text": "x"}, nil, "tidak ditemukan", ""},
		{"answer reporter", flows.ActionAnswer, "5", map[string]string{"number": n, "text": "Depan pasar"}, nil, "jawaban Anda", api.EventAnswer},
		{"rate open report", flows.ActionRate, "5", map[string]string{"number": n, "rating": "5"}, nil, "belum selesai", ""},
		{"reopen open report", flows.ActionReopen, "5", map[string]string{"number": n, "note": "x"}, nil, "tidak dalam status selesai", ""},
	}
	for _, s := range steps {
		before := len(e.notes.texts())
		env := actionEnv(s.kind, "telegram", s.chat, s.args, s.fields)
		for range 2 { // redelivery changes nothing
			if err := e.svc.HandleAction(ctx, env); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		got := e.notes.texts()[before:]
		switch {
		case s.wantReply == "" && len(got) != 0:
			t.Fatalf("%s: answers %q, want none", s.name, got)
		case s.wantReply != "" && (len(got) != 1 || !strings.Contains(got[0], s.wantReply)):
			t.Fatalf("%s: answers %q, want one with %q", s.name, got, s.wantReply)
		}
		r, _ := e.svc.Get(ctx, n)
		count := 0
		for _, ev := range r.Timeline {
			if ev.ID == api.EnvID(env) {
				count++
				if ev.Kind != s.wantEvent {
					t.Fatalf("%s: event %q, want %q", s.name, ev.Kind, s.wantEvent)
				}
			}
		}
		if (s.wantEvent != "") != (count == 1) || count > 1 {
			t.Fatalf("%s: %d timeline events for the action", s.name, count)
		}
	}
	// Resolved: rate and reopen work for the reporter.
	if err := e.svc.ChangeStatus(ctx, n, "admin1", api.StatusResolved, "Sudah ditambal", ""); err != nil {
		t.Fatal(err)
	}
	for _, env := range []struct {
		kind string
		args map[string]string
	}{
		{flows.ActionRate, map[string]string{"number": n, "rating": "9"}},
		{flows.ActionReopen, map[string]string{"number": n, "note": "Masih berlubang"}},
	} {
		if err := e.svc.HandleAction(ctx, actionEnv(env.kind, "telegram", "5", env.args, nil)); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := e.svc.Get(ctx, n)
	if r.Status != api.StatusInProgress || r.Rating != 0 {
		t.Fatalf("after bad rating and reopen: status %q rating %d", r.Status, r.Rating)
	}
	if got := e.notes.texts(); !strings.Contains(got[len(got)-1], "1 sampai 5") {
		t.Fatalf("bad rating not refused: %q", got[len(got)-1])
	}
	_ = e.svc.ChangeStatus(ctx, n, "admin1", api.StatusResolved, "", "")
	if err := e.svc.HandleAction(ctx, actionEnv(flows.ActionRate, "telegram", "5",
		map[string]string{"number": n, "rating": "4", "comment": "Cepat"}, nil)); err != nil {
		t.Fatal(err)
	}
	r, _ = e.svc.Get(ctx, n)
	if r.Rating != 4 || r.RatingComment != "Cepat" {
		t.Fatalf("rating %d %q", r.Rating, r.RatingComment)
	}
	e.drain(t)
	hooks, _ := e.svc.RDB().XRange(ctx, e.svc.HookStream(), "-", "+").Result()
	var types []string
	for _, h := range hooks {
		body := h.Values["body"].(string)
		for _, typ := range []string{api.HookCreated, api.HookInformationAdded, api.HookAnswered, api.HookReopened, api.HookRated} {
			if strings.Contains(body, `"type":"`+typ+`"`) {
				types = append(types, typ)
			}
		}
	}
	want := api.HookCreated + "," + api.HookInformationAdded + "," + api.HookAnswered + "," + api.HookReopened + "," + api.HookRated
	if strings.Join(types, ",") != want {
		t.Fatalf("webhooks queued %v, want %s", types, want)
	}
}
