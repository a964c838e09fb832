package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

func TestReportActions(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		form   url.Values
		audit  string
		check  func(t *testing.T, h *harness, r *api.Report)
		notify bool // a message was queued for the citizen's chat
	}{
		{"reply", "/reply", url.Values{"text": {"Petugas menuju lokasi besok."}}, AuditReply, func(t *testing.T, h *harness, r *api.Report) {
			if e := r.Timeline[len(r.Timeline)-1]; e.Kind != api.EventReply || e.Text != "Petugas menuju lokasi besok." || e.Actor != "admin@sidoarjo.go.id" {
				t.Errorf("last event %+v", e)
			}
		}, true},
		{"canned reply", "/reply", url.Values{"text": {""}, "canned": {"1"}}, AuditReply, func(t *testing.T, h *harness, r *api.Report) {
			if e := r.Timeline[len(r.Timeline)-1]; e.Kind != api.EventReply || e.Text != DefaultCannedReplies[1] {
				t.Errorf("last event %+v", e)
			}
		}, true},
		{"status with a note", "/status", url.Values{"status": {"in_progress"}, "note": {"Sedang dikerjakan."}}, AuditStatus, func(t *testing.T, h *harness, r *api.Report) {
			if r.Status != api.StatusInProgress || r.LastStatusNote() != "Sedang dikerjakan." {
				t.Errorf("status %s note %q", r.Status, r.LastStatusNote())
			}
		}, true},
		{"internal note is never sent", "/note", url.Values{"text": {"Koordinasi dengan UPT Jalan."}}, AuditNote, func(t *testing.T, h *harness, r *api.Report) {
			if e := r.Timeline[len(r.Timeline)-1]; e.Kind != api.EventInternalNote {
				t.Errorf("last event %+v", e)
			}
		}, false},
		{"ask the citizen", "/ask", url.Values{"text": {"Apakah ada foto lain?"}}, AuditAsk, func(t *testing.T, h *harness, r *api.Report) {
			if e := r.Timeline[len(r.Timeline)-1]; e.Kind != api.EventQuestion {
				t.Errorf("last event %+v", e)
			}
			if got := h.flows.startedFlows(); len(got) != 1 || got[0] != "telegram 777 answer SDA-A1" {
				t.Errorf("flows started %q", got)
			}
		}, false},
		{"reassign", "/reassign", url.Values{"agency": {"DLHK"}}, AuditReassign, func(t *testing.T, h *harness, r *api.Report) {
			if r.Agency != "DLHK" {
				t.Errorf("agency %s", r.Agency)
			}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public", Chat: "777"})
			h.account("admin@sidoarjo.go.id", RoleSupervisor, "")
			ck := h.login("admin@sidoarjo.go.id")
			rec := h.do(http.MethodPost, "/console/reports/SDA-A1"+tc.path, tc.form, ck, nil)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/console/reports/SDA-A1?ok=") {
				t.Fatalf("got %d %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
			}
			tc.check(t, h, h.get("SDA-A1"))
			sent := h.notes.sent()
			if tc.notify && (len(sent) != 1 || sent[0].Channel != bot.ChannelTelegram || sent[0].ChatID != "777") {
				t.Errorf("sent %+v, want one message to telegram chat 777", sent)
			}
			if !tc.notify && len(sent) != 0 {
				t.Errorf("sent %+v, want nothing", sent)
			}
			if !h.hasAudit(tc.audit, "SDA-A1") {
				t.Errorf("no %s audit entry", tc.audit)
			}
			// The flash message shows after the redirect.
			page := h.do(http.MethodGet, rec.Header().Get("Location"), nil, ck, nil)
			if !strings.Contains(page.Body.String(), `class="flash"`) {
				t.Error("no flash message after the redirect")
			}
		})
	}
}

func TestReportActionsRejectBadInput(t *testing.T) {
	tests := []struct {
		name string
		path string
		form url.Values
		want int
	}{
		{"empty reply", "/reply", url.Values{"text": {"  "}}, http.StatusBadRequest},
		{"canned out of range", "/reply", url.Values{"canned": {"99"}}, http.StatusBadRequest},
		{"reply too long", "/reply", url.Values{"text": {strings.Repeat("a", maxText+1)}}, http.StatusBadRequest},
		{"unknown status", "/status", url.Values{"status": {"done"}}, http.StatusBadRequest},
		{"same status", "/status", url.Values{"status": {"received"}}, http.StatusConflict},
		{"empty note", "/note", url.Values{"text": {""}}, http.StatusBadRequest},
		{"unknown agency", "/reassign", url.Values{"agency": {"NOPE"}}, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public"})
			ck := h.as(RoleSupervisor, "")
			if rec := h.do(http.MethodPost, "/console/reports/SDA-A1"+tc.path, tc.form, ck, nil); rec.Code != tc.want {
				t.Fatalf("got %d, want %d", rec.Code, tc.want)
			}
			if n := len(h.get("SDA-A1").Timeline); n != 1 || len(h.notes.sent()) != 0 {
				t.Errorf("report changed (%d events) or citizen told", n)
			}
		})
	}
}

// TestReporterPrivacy: who sees what of the reporter.
func TestReporterPrivacy(t *testing.T) {
	const name, phone = "Siti Rahayu", "081234567890"
	tests := []struct {
		name, identity, role string
		reveal               bool
		see, notSee          []string
	}{
		{"agency admin, anonim report", "anonim", RoleAgency, false, []string{"Disembunyikan"}, []string{name, phone, "S*** R***", "0812"}},
		{"agency admin, rahasia report", "rahasia", RoleAgency, false, []string{"Disembunyikan"}, []string{name, phone, "S*** R***", "0812"}},
		{"viewer, anonim report", "anonim", RoleViewer, false, []string{"Disembunyikan"}, []string{name, phone, "S*** R***"}},
		{"agency admin, public report: masked", "public", RoleAgency, false, []string{"S*** R***", "0812******90"}, []string{name, phone, "Tampilkan data pribadi"}},
		{"supervisor, anonim report: masked", "anonim", RoleSupervisor, false, []string{"S*** R***", "0812******90", "Tampilkan data pribadi"}, []string{name, phone}},
		{"supervisor reveals", "anonim", RoleSupervisor, true, []string{name, phone}, []string{"S*** R***"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: tc.identity, Name: name, Phone: phone})
			agency := ""
			if tc.role != RoleSupervisor {
				agency = "DPUBMSDA"
			}
			ck := h.as(tc.role, agency)
			var rec = h.do(http.MethodGet, "/console/reports/SDA-A1", nil, ck, nil)
			if tc.reveal {
				rec = h.do(http.MethodPost, "/console/reports/SDA-A1/reveal", url.Values{}, ck, nil)
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			body := rec.Body.String()
			for _, s := range tc.see {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.notSee {
				if strings.Contains(body, s) {
					t.Errorf("page shows %q", s)
				}
			}
			if got := h.hasAudit(AuditReveal, "SDA-A1"); got != tc.reveal {
				t.Errorf("reveal audit-logged = %v, want %v", got, tc.reveal)
			}
			if !h.hasAudit(AuditView, "SDA-A1") && !tc.reveal {
				t.Error("report view not audit-logged")
			}
		})
	}
}

func TestReportPageShowsEverything(t *testing.T) {
	h := newHarness(t, nil)
	ref, ct, _, err := h.cfg.MediaStore.Save(ctxT(t), strings.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	h.report(reportSpec{Number: "SDA-A1", Category: "jalan", Identity: "public", Title: "Jalan berlubang di Jl. Pahlawan",
		Photos: []flows.Photo{{Ref: ref, ContentType: ct}}})
	ck := h.as(RoleSupervisor, "")
	for _, p := range []url.Values{{"text": {"Catatan rahasia internal"}}} {
		h.do(http.MethodPost, "/console/reports/SDA-A1/note", p, ck, nil)
	}
	h.do(http.MethodPost, "/console/reports/SDA-A1/reply", url.Values{"text": {"Balasan untuk warga"}}, ck, nil)
	body := h.do(http.MethodGet, "/console/reports/SDA-A1", nil, ck, nil).Body.String()
	for _, want := range []string{
		"Jalan berlubang di Jl. Pahlawan", "Uraian laporan SDA-A1", "Jalan dan jembatan", "DPUBMSDA", "Sidoarjo",
		"Jl. Pahlawan 1", "-7.447800, 112.718300", "https://www.openstreetmap.org/?mlat=-7.447800&amp;mlon=112.718300",
		"/console/reports/SDA-A1/photos/0", "Catatan rahasia internal", "Balasan untuk warga", "Laporan dibuat",
		DefaultCannedReplies[0], `action="/console/reports/SDA-A1/reassign"`, `action="/console/reports/SDA-A1/ask"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	photo := h.do(http.MethodGet, "/console/reports/SDA-A1/photos/0", nil, ck, nil)
	if photo.Code != http.StatusOK || photo.Header().Get("Content-Type") != "image/png" || photo.Body.String() != pngBytes {
		t.Errorf("photo: %d %s, %d bytes", photo.Code, photo.Header().Get("Content-Type"), photo.Body.Len())
	}
	if photo.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("photo Cache-Control %q", photo.Header().Get("Cache-Control"))
	}
	if rec := h.do(http.MethodGet, "/console/reports/SDA-A1/photos/1", nil, ck, nil); rec.Code != http.StatusNotFound {
		t.Errorf("photo 1 of 1: %d, want 404", rec.Code)
	}
}
