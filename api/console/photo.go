package console

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/flows"
)

// photo serves the i-th photo of a report (the report's own photos first,
// then those added on the timeline) from the media store, only to an admin
// who may see the report. Photos are never cached by the browser or proxies.
func (c *Console) photo(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	photos := append([]flows.Photo(nil), r.Photos...)
	for _, e := range r.Timeline {
		photos = append(photos, e.Photos...)
	}
	i, err := strconv.Atoi(ec.Param("idx"))
	if err != nil || i < 0 || i >= len(photos) || c.cfg.MediaStore == nil {
		return c.renderError(ec, http.StatusNotFound)
	}
	f, ct, err := c.cfg.MediaStore.Open(ec.Request().Context(), photos[i].Ref)
	if err != nil {
		c.log.Warn("console: open photo", "err", err)
		return c.renderError(ec, http.StatusNotFound)
	}
	defer f.Close()
	if !strings.HasPrefix(ct, "image/") {
		return c.renderError(ec, http.StatusNotFound)
	}
	c.auditf(ec, AuditPhoto, r.Number, strconv.Itoa(i))
	h := ec.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	ec.Response().Header().Set(echo.HeaderContentType, ct)
	ec.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(ec.Response(), f)
	return err
}
