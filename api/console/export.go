package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api"
)

// exportHeader is the CSV's first row: Indonesian, the language of the
// regency's reports and spreadsheets.
var exportHeader = []string{
	"Nomor", "Tanggal masuk", "Status", "Kategori", "OPD", "Kecamatan", "Judul", "Uraian", "Tambahan warga",
	"Alamat", "Lintang", "Bujur", "Tanggal kejadian", "Identitas", "Nama pelapor", "Telepon pelapor",
	"Kanal", "Tanggapan pertama", "Diteruskan", "ID di sistem tujuan", "Penilaian",
}

// exportCSV streams the reports of the current inbox filter as CSV (UTF-8
// with a BOM so that Excel opens it as UTF-8), one row per report. An agency
// admin gets the agency view: an anonim or rahasia reporter's name and phone
// are never in it. Every export is audited with its filter and row count.
func (c *Console) exportCSV(ec echo.Context) error {
	a := account(ec)
	q := inboxQueryOf(ec)
	if len(q.Text) > 200 {
		return c.renderError(ec, http.StatusBadRequest)
	}
	f, ok := c.filter(q)
	if !ok {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if scope := scopeAgency(a); scope != "" {
		f.Agency, q.Agency = scope, scope
	}
	name := "laporan-" + c.cfg.Now().In(c.cfg.Location).Format("20060102-1504") + ".csv"
	w := ec.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return nil // the client went away
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(exportHeader)
	rows := 0
	err := c.svc.Export(ec.Request().Context(), f, func(r *api.Report) error {
		if !a.Supervisor() {
			r = r.AgencyView()
		}
		rows++
		if err := cw.Write(c.exportRow(r)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		if rows%500 == 0 {
			cw.Flush()
		}
		return cw.Error()
	})
	cw.Flush()
	c.auditf(ec, AuditExport, "", q.values().Encode()+" rows="+strconv.Itoa(rows))
	if err != nil {
		// The header is sent: the truncated file is all we can do; the log
		// says why (without the rows).
		c.log.ErrorContext(ec.Request().Context(), "console: export", "err", err, "rows", rows)
	}
	return nil
}

func (c *Console) exportRow(r *api.Report) []string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(c.cfg.Location).Format("02/01/2006 15:04")
	}
	coord := func(v float64) string {
		if !r.Location.HasPoint() {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 6, 64)
	}
	rating := ""
	if r.Rating > 0 {
		rating = strconv.Itoa(r.Rating)
	}
	agency := r.Agency
	if ag, ok := c.catalog.Agency(r.Agency); ok {
		agency = ag.Name
	}
	row := []string{
		r.Number, day(r.CreatedAt), r.Status.LaporStatus(), c.categoryName(r.Category, langID), agency,
		r.Location.Kecamatan, r.Title, r.Description, r.Additions, r.Location.Address, coord(r.Location.Lat),
		coord(r.Location.Lon), r.IncidentDate, string(r.Identity), r.Contact.Name, r.Contact.Phone, r.Channel,
		day(r.FirstResponseAt), day(r.ForwardedAt), r.ServiceRequestID, rating,
	}
	for i, v := range row {
		row[i] = cellSafe(v)
	}
	return row
}

// cellSafe keeps a citizen's text from being read as a spreadsheet formula
// (CSV injection): a cell starting with = + - @ or a control character gets
// a leading apostrophe, which Excel and LibreOffice show as text.
func cellSafe(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}
