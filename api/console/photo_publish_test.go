package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/flows"
)

// The per-photo publish toggle: agency admins and supervisors of a public
// report approve a photo for the public Open311 view and withdraw it;
// viewers cannot, another agency cannot see the report, and anonim or
// rahasia reports offer no toggle and refuse one.
func TestPhotoPublishToggle(t *testing.T) {
	h := newHarness(t, nil)
	ref, ct, _, err := h.cfg.MediaStore.Save(ctxT(t), strings.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	photos := []flows.Photo{{Ref: ref, ContentType: ct}, {Ref: ref, ContentType: ct}}
	h.report(reportSpec{Number: "SDA-PH1", Category: "jalan", Identity: "public", Photos: photos})
	h.report(reportSpec{Number: "SDA-PH2", Category: "jalan", Identity: "anonim", Photos: photos})
	agency := h.as(RoleAgency, "DPUBMSDA")
	other := h.as(RoleAgency, "DLHK")
	viewer := h.as(RoleViewer, "")
	super := h.as(RoleSupervisor, "")

	page := h.do(http.MethodGet, "/console/reports/SDA-PH1", nil, agency, nil).Body.String()
	if !strings.Contains(page, `action="/console/reports/SDA-PH1/photos/1/publish"`) ||
		!strings.Contains(page, "Tampilkan di API publik") {
		t.Fatalf("the public report's page has no publish toggle:\n%s", page)
	}
	if p := h.do(http.MethodGet, "/console/reports/SDA-PH2", nil, agency, nil).Body.String(); strings.Contains(p, "/publish") {
		t.Error("an anonim report offers a publish toggle")
	}
	if p := h.do(http.MethodGet, "/console/reports/SDA-PH1", nil, viewer, nil).Body.String(); strings.Contains(p, "/publish") {
		t.Error("a viewer is offered the publish toggle")
	}

	tests := []struct {
		name   string
		ck     *http.Cookie
		number string
		idx    string
		on     string
		code   int
		want   []int
	}{
		{"agency publishes photo 1", agency, "SDA-PH1", "1", "1", http.StatusSeeOther, []int{1}},
		{"again: no change", agency, "SDA-PH1", "1", "1", http.StatusSeeOther, []int{1}},
		{"supervisor publishes photo 0", super, "SDA-PH1", "0", "1", http.StatusSeeOther, []int{0, 1}},
		{"agency withdraws photo 1", agency, "SDA-PH1", "1", "0", http.StatusSeeOther, []int{0}},
		{"no such photo", agency, "SDA-PH1", "2", "1", http.StatusNotFound, []int{0}},
		{"bad value", agency, "SDA-PH1", "0", "yes", http.StatusBadRequest, []int{0}},
		{"viewer refused", viewer, "SDA-PH1", "1", "1", http.StatusForbidden, []int{0}},
		{"other agency sees nothing", other, "SDA-PH1", "1", "1", http.StatusNotFound, []int{0}},
		{"anonim refused", agency, "SDA-PH2", "0", "1", http.StatusBadRequest, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(http.MethodPost, "/console/reports/"+tc.number+"/photos/"+tc.idx+"/publish",
				url.Values{"publish": {tc.on}}, tc.ck, nil)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			if got := h.get(tc.number).PublishedPhotos; !equalInts(got, tc.want) {
				t.Errorf("published %v, want %v", got, tc.want)
			}
		})
	}
	if !h.hasAudit(AuditPhotoPublish, "SDA-PH1") {
		t.Error("publishing was not audit-logged")
	}
	page = h.do(http.MethodGet, "/console/reports/SDA-PH1?ok=photo.publish.done", nil, agency, nil).Body.String()
	for _, want := range []string{"Sembunyikan dari publik", "Tampil di API publik", "Tampilan publik foto diperbarui."} {
		if !strings.Contains(page, want) {
			t.Errorf("page after publishing lacks %q", want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
