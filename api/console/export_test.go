package console

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/api"
)

// The CSV export follows the inbox filter, opens in Excel (UTF-8 with a
// BOM, Indonesian headers), never gives an agency admin an anonim
// reporter's name or phone, defuses formulas, and is audited.
func TestExportCSV(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-E1", Category: "jalan", Identity: "public", Name: "Budi Santoso", Phone: "+6281111111111"})
	h.report(reportSpec{Number: "SDA-E2", Category: "jalan", Identity: "anonim", Name: "Siti Rahayu", Phone: "081234567890",
		Title: "=HYPERLINK(\"http://evil\")"})
	h.report(reportSpec{Number: "SDA-E3", Category: "sampah", Identity: "public", Name: "Ani", Phone: "+6282222222222"})
	tests := []struct {
		name, role, agency, query string
		wantRows                  []string
		wantIn, wantNot           []string
	}{
		{"supervisor, all", RoleSupervisor, "", "", []string{"SDA-E3", "SDA-E2", "SDA-E1"},
			[]string{"Siti Rahayu", "Budi Santoso"}, nil},
		{"supervisor, filtered", RoleSupervisor, "", "category=sampah", []string{"SDA-E3"}, nil, []string{"SDA-E1"}},
		{"agency admin: anonim hidden", RoleAgency, "DPUBMSDA", "", []string{"SDA-E2", "SDA-E1"},
			[]string{"Budi Santoso"}, []string{"Siti Rahayu", "081234567890", "SDA-E3"}},
		{"agency admin cannot widen the scope", RoleAgency, "DLHK", "agency=DPUBMSDA", []string{"SDA-E3"}, nil,
			[]string{"SDA-E1", "SDA-E2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := h.do(http.MethodGet, "/console/export.csv?"+tt.query, nil, h.as(tt.role, tt.agency), nil)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("got %d %s", rec.Code, rec.Header().Get("Content-Type"))
			}
			body := rec.Body.String()
			if !strings.HasPrefix(body, "\ufeff") {
				t.Fatal("no UTF-8 BOM: Excel would misread the file")
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows[0], ",") != strings.Join(exportHeader, ",") || rows[0][0] != "Nomor" {
				t.Fatalf("header %q", rows[0])
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[0])
			}
			if strings.Join(got, ",") != strings.Join(tt.wantRows, ",") {
				t.Fatalf("rows %v, want %v", got, tt.wantRows)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(body, s) {
					t.Errorf("export lacks %q", s)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("export contains %q", s)
				}
			}
			if strings.Contains(body, ",=HYPERLINK") || strings.Contains(body, "\"=HYPERLINK") {
				t.Error("a formula reached the spreadsheet unescaped")
			}
			if !h.hasAudit(AuditExport, "") {
				t.Error("export not audited")
			}
		})
	}
}

// The search box finds a tracking number however it is typed, a reporter by
// phone, and text in what the citizen added later; hostile input is just text.
func TestInboxSearch(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-7KQ2MX", Category: "jalan", Identity: "public", Phone: "+6281234567890"})
	h.report(reportSpec{Number: "SDA-ABCDEF", Category: "sampah", Identity: "public", Title: "Sampah menumpuk di TPS"})
	sup := h.as(RoleSupervisor, "")
	tests := []struct {
		q    string
		want []string
	}{
		{"SDA-7KQ2MX", []string{"SDA-7KQ2MX"}},
		{"sda7kq2mx", []string{"SDA-7KQ2MX"}},
		{"sda 7kq2mx", []string{"SDA-7KQ2MX"}},
		{"0812-3456-7890", []string{"SDA-7KQ2MX"}},
		{"+62 812 3456 7890", []string{"SDA-7KQ2MX"}},
		{"tps", []string{"SDA-ABCDEF"}},
		{"'; drop table reports; --", nil},
		{"%", nil},
		{"_", nil},
		{"\x00", []string{"SDA-7KQ2MX", "SDA-ABCDEF"}}, // nothing left to search for: everything
		{"\xff\xfe", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			rec := h.do(http.MethodGet, "/console/inbox?q="+url.QueryEscape(tt.q), nil, sup, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("got %d", rec.Code)
			}
			for _, n := range []string{"SDA-7KQ2MX", "SDA-ABCDEF"} {
				want := false
				for _, w := range tt.want {
					want = want || w == n
				}
				if got := strings.Contains(rec.Body.String(), "/console/reports/"+n); got != want {
					t.Errorf("%s listed = %v, want %v", n, got, want)
				}
			}
		})
	}
	// Both reports are still there after the hostile searches.
	if res, err := h.svc.List(ctxT(t), api.Filter{}); err != nil || res.Total != 2 {
		t.Fatalf("after hostile searches: %v reports (%v)", res, err)
	}
	for _, page := range []string{"0", "-1", "abc", "100001", "9223372036854775807"} {
		if rec := h.do(http.MethodGet, "/console/inbox?page="+page, nil, sup, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("page=%s: got %d, want 400", page, rec.Code)
		}
	}
}

// The dashboard's figures come from the database's aggregates.
func TestDashboardFigures(t *testing.T) {
	h := newHarness(t, nil)
	old := testNow.AddDate(0, 0, -20)
	h.report(reportSpec{Number: "SDA-S1", Category: "jalan", Identity: "public", At: old})
	h.report(reportSpec{Number: "SDA-S2", Category: "jalan", Identity: "public", Kecamatan: "Waru"})
	h.report(reportSpec{Number: "SDA-S3", Category: "sampah", Identity: "public"})
	if err := h.svc.Reply(ctxT(t), "SDA-S2", "admin", "Segera kami cek.", ""); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.ChangeStatus(ctxT(t), "SDA-S3", "admin", api.StatusRejected, "Bukan laporan", ""); err != nil {
		t.Fatal(err)
	}
	rec := h.do(http.MethodGet, "/console/dashboard", nil, h.as(RoleSupervisor, ""), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("got %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`Total laporan</span><b>3</b>`, `Laporan terbuka</span><b>2</b>`,
		`Laporan lewat SLA</span><b>1</b>`, // SDA-S1: received 20 days ago, never verified
		"Waru", "Laporan per minggu", "Per OPD",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// An agency admin's dashboard counts only the agency's reports.
	rec = h.do(http.MethodGet, "/console/dashboard", nil, h.as(RoleAgency, "DLHK"), nil)
	if !strings.Contains(rec.Body.String(), `Total laporan</span><b>1</b>`) || strings.Contains(rec.Body.String(), "Per OPD") {
		t.Errorf("agency dashboard not scoped")
	}
}

// With the report database gone, pages answer 503 with a plain page (no
// stack, no error text), and the cause is logged.
func TestDatabaseDown503(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-DB1", Category: "jalan", Identity: "public"})
	sup := h.as(RoleSupervisor, "")
	if err := h.store.(interface{ Close() error }).Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/console/inbox", "/console/dashboard", "/console/reports/SDA-DB1", "/console/dead-letters", "/console/export.csv"} {
		rec := h.do(http.MethodGet, path, nil, sup, nil)
		want := http.StatusServiceUnavailable
		if path == "/console/export.csv" {
			want = http.StatusOK // the header went out first; the file ends early and the log says why
		}
		if rec.Code != want || strings.Contains(rec.Body.String(), "goroutine") || strings.Contains(rec.Body.String(), "sql:") {
			t.Errorf("%s: %d %q", path, rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
		}
	}
	if !strings.Contains(h.logs.String(), "database is closed") {
		t.Error("the cause is not logged")
	}
}

// A forward the complaint API refused as invalid is corrected on the
// "Gagal terkirim" page and queued again; discarding needs a reason.
func TestDeadLetterEditAndDiscard(t *testing.T) {
	h := newHarness(t, nil)
	h.report(reportSpec{Number: "SDA-ED1", Category: "jalan", Identity: "public"})
	h.report(reportSpec{Number: "SDA-ED2", Category: "jalan", Identity: "public"})
	fwd := h.prefix + ":rpt:{rpt}:fwd"
	h.deadLetter(api.DeadLetter{ID: "e1", Kind: api.DeadForward, Number: "SDA-ED1", Error: "400: unknown service_code jalan",
		Attempts: 1, FirstAt: testNow, LastAt: testNow, Stream: fwd, Entry: "1-1", Payload: map[string]string{"number": "SDA-ED1"}})
	h.deadLetter(api.DeadLetter{ID: "e2", Kind: api.DeadForward, Number: "SDA-ED2", Error: "400", Attempts: 1,
		FirstAt: testNow, LastAt: testNow, Stream: fwd, Entry: "1-2", Payload: map[string]string{"number": "SDA-ED2"}})
	sup := h.as(RoleSupervisor, "")
	if rec := h.do(http.MethodPost, "/console/dead-letters/e1/edit", url.Values{"category": {"nope"}}, sup, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("unknown category: %d, want 400", rec.Code)
	}
	if rec := h.do(http.MethodPost, "/console/dead-letters/e1/edit", url.Values{"category": {"sampah"}}, sup, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", rec.Code)
	}
	r := h.get("SDA-ED1")
	if r.Category != "sampah" || r.Agency != "DLHK" || !strings.Contains(r.Timeline[len(r.Timeline)-1].Text, "kategori jalan → sampah") {
		t.Fatalf("report after edit: %s %s %+v", r.Category, r.Agency, r.Timeline)
	}
	xs, err := h.rdb.XRange(ctxT(t), fwd, "-", "+").Result()
	if err != nil || len(xs) != 1 || xs[0].Values["number"] != "SDA-ED1" {
		t.Fatalf("forward queue after retry: %v %v", xs, err)
	}
	for _, form := range []url.Values{{}, {"reason": {"x"}}} {
		if rec := h.do(http.MethodPost, "/console/dead-letters/e2/discard", form, sup, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("discard without a reason: %d, want 400", rec.Code)
		}
	}
	if rec := h.do(http.MethodPost, "/console/dead-letters/e2/discard", url.Values{"reason": {"diajukan manual ke OPD"}}, sup, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("discard: %d", rec.Code)
	}
	page, err := h.svc.DeadLetters(ctxT(t), api.DeadLetterQuery{})
	if err != nil || page.Total != 0 {
		t.Fatalf("dead letters left: %+v %v", page, err)
	}
	if !h.hasAudit(AuditDiscard, "SDA-ED2") || !h.hasAudit(AuditRetry, "SDA-ED1") {
		t.Error("edit or discard not audited")
	}
}
