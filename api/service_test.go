package api_test

import (
	"github.com/aduan-id/aduan/api"

	"errors"
	"strings"
	"testing"
)

func TestSubmitTwiceOneReport(t *testing.T) {
	e := newEnv(t, api.WithOutboundWebhooks("http://hook.invalid/x"))
	ctx := ctxT(t)
	env := submitEnv("SDA-AAA111", "telegram", "42", "public")
	for range 2 {
		if err := e.svc.HandleAction(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	// A redelivery under another entry id is still the same report.
	again := submitEnv("SDA-AAA111", "telegram", "42", "public")
	if err := e.svc.HandleAction(ctx, again); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	res, err := e.svc.List(ctx, api.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].Number != "SDA-AAA111" {
		t.Fatalf("list = %d items, want the one report", res.Total)
	}
	r := res.Items[0]
	if r.Agency != "DPUBMSDA" || r.Status != api.StatusReceived || r.Identity != api.IdentityPublic {
		t.Fatalf("report = agency %q status %q identity %q", r.Agency, r.Status, r.Identity)
	}
	n, err := e.svc.RDB().XLen(ctx, e.svc.FwdStream()).Result()
	if err != nil || n != 1 {
		t.Fatalf("forward queue length = %d (%v), want 1", n, err)
	}
	n, err = e.svc.RDB().XLen(ctx, e.svc.HookStream()).Result()
	if err != nil || n != 1 {
		t.Fatalf("webhook queue length = %d (%v), want 1", n, err)
	}
}

func TestParseIdentityMostProtective(t *testing.T) {
	for in, want := range map[string]api.Identity{
		"public": api.IdentityPublic, "PUBLIK": api.IdentityPublic, "anonim": api.IdentityAnonim, "rahasia": api.IdentityRahasia,
		"": api.IdentityRahasia, "maybe": api.IdentityRahasia, "publicx": api.IdentityRahasia,
	} {
		if got := api.ParseIdentity(in); got != want {
			t.Errorf("ParseIdentity(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestListFilters(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	for i, id := range []string{"public", "anonim", "rahasia"} {
		env := submitEnv("SDA-L0000"+itoa(i), "telegram", "7"+itoa(i), id)
		if i == 2 {
			env.Action.Fields["category"] = "sampah"
			env.Action.Fields["title"] = "Sampah menumpuk"
			env.Action.Fields["description"] = "TPS liar"
		}
		if err := e.svc.HandleAction(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.ChangeStatus(ctx, "sda-l00000", "admin1", api.StatusVerified, "", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    api.Filter
		want []string
	}{
		{"all newest", api.Filter{}, []string{"SDA-L00002", "SDA-L00001", "SDA-L00000"}},
		{"status", api.Filter{Status: api.StatusVerified}, []string{"SDA-L00000"}},
		{"agency", api.Filter{Agency: "DLHK"}, []string{"SDA-L00002"}},
		{"category", api.Filter{Category: "jalan"}, []string{"SDA-L00001", "SDA-L00000"}},
		{"text", api.Filter{Query: "tps"}, []string{"SDA-L00002"}},
		{"page 2", api.Filter{Size: 2, Page: 2}, []string{"SDA-L00000"}},
		{"waiting", api.Filter{Sort: api.SortWaiting}, []string{"SDA-L00001", "SDA-L00002", "SDA-L00000"}},
		{"channel none", api.Filter{Channel: "whatsapp"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.svc.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Items {
				got = append(got, r.Number)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	res, _ := e.svc.List(ctx, api.Filter{Status: api.StatusReceived})
	if res.Count[api.StatusReceived] != 2 || res.Count[api.StatusVerified] != 1 || res.Total != 2 {
		t.Fatalf("counts = %v total %d", res.Count, res.Total)
	}
}

func TestAdminActions(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-ADM001", "whatsapp", "628", "anonim")); err != nil {
		t.Fatal(err)
	}
	n := "SDA-ADM001"
	steps := []struct {
		name string
		run  func() error
		want error
	}{
		{"reply", func() error { return e.svc.Reply(ctx, n, "admin1", "Sedang kami cek", "") }, nil},
		{"empty reply", func() error { return e.svc.Reply(ctx, n, "admin1", " ", "") }, api.ErrInvalid},
		{"note", func() error { return e.svc.AddInternalNote(ctx, n, "admin1", "cek lapangan besok", "") }, nil},
		{"reassign", func() error { return e.svc.Reassign(ctx, n, "super", "DLHK") }, nil},
		{"reassign unknown", func() error { return e.svc.Reassign(ctx, n, "super", "NOPE") }, api.ErrInvalid},
		{"ask", func() error { return e.svc.AskCitizen(ctx, n, "admin1", "Di sebelah mana?", "") }, nil},
		{"status bad", func() error { return e.svc.ChangeStatus(ctx, n, "admin1", "done", "", "") }, api.ErrInvalid},
		{"resolve", func() error { return e.svc.ChangeStatus(ctx, n, "admin1", api.StatusResolved, "Sudah ditambal", "") }, nil},
		{"resolve again", func() error { return e.svc.ChangeStatus(ctx, n, "admin1", api.StatusResolved, "", "") }, api.ErrConflict},
		{"unknown", func() error { return e.svc.Reply(ctx, "SDA-NOPE00", "a", "x", "") }, api.ErrNotFound},
	}
	for _, s := range steps {
		err := s.run()
		if (s.want == nil && err != nil) || (s.want != nil && !errors.Is(err, s.want)) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.want)
		}
	}
	r, err := e.svc.Get(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agency != "DLHK" || r.Status != api.StatusResolved {
		t.Fatalf("agency %q status %q", r.Agency, r.Status)
	}
	for _, ev := range r.CitizenTimeline() {
		if ev.Kind == api.EventInternalNote {
			t.Fatal("internal note visible to the citizen")
		}
	}
	texts := e.notes.texts()
	if len(texts) != 1 || !strings.Contains(texts[0], "Sedang kami cek") {
		t.Fatalf("notices = %q, want the reply only", texts)
	}
	fl := e.flows.all()
	if len(fl) != 2 || fl[0].Flow != api.FlowAnswer || fl[1].Flow != api.FlowResolved || fl[1].Pending != n ||
		!strings.Contains(fl[1].Intro, "Sudah ditambal") || fl[0].Chat != "628" {
		t.Fatalf("flows started = %+v", fl)
	}
	if v := r.AgencyView(); v.Contact.Name != "" || v.ChatID != "" {
		t.Fatal("agency view of an anonim report shows the contact or chat")
	}
}

// The dashboard's figures are computed once a minute per scope and shared:
// a second look within the minute reads the same figures (AsOf says when).
func TestStatsShared(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-STA001", "telegram", "1", "public")); err != nil {
		t.Fatal(err)
	}
	first, err := e.svc.Stats(ctx, api.StatsQuery{})
	if err != nil || first.Total != 1 || first.AsOf.IsZero() {
		t.Fatalf("first: %+v %v", first, err)
	}
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-STA002", "telegram", "2", "public")); err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.Stats(ctx, api.StatsQuery{})
	if err != nil || again.Total != 1 || !again.AsOf.Equal(first.AsOf) {
		t.Fatalf("within the minute: total %d as of %v, want the shared 1 as of %v (%v)", again.Total, again.AsOf, first.AsOf, err)
	}
	scoped, err := e.svc.Stats(ctx, api.StatsQuery{Agency: "DPUBMSDA"})
	if err != nil || scoped.Total != 2 {
		t.Fatalf("another scope is computed on its own: %+v %v", scoped, err)
	}
}

// Outbound webhook payloads give times in the region's offset, as Open311
// output does.
func TestWebhookTimesInRegionOffset(t *testing.T) {
	e := newEnv(t, api.WithOutboundWebhooks("http://hook.invalid/x"))
	ctx := ctxT(t)
	if err := e.svc.HandleAction(ctx, submitEnv("SDA-TZ0001", "telegram", "42", "public")); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	xs, err := e.svc.RDB().XRange(ctx, e.svc.HookStream(), "-", "+").Result()
	if err != nil || len(xs) != 1 {
		t.Fatalf("%d webhooks (%v)", len(xs), err)
	}
	body, _ := xs[0].Values["body"].(string)
	if !strings.Contains(body, `"requested_datetime":"`) || !strings.Contains(body, `+07:00"`) || strings.Contains(body, `Z"`) {
		t.Fatalf("times not in +07:00: %s", body)
	}
}
