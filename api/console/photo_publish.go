package console

import (
	"net/http"
	"path"
	"strconv"

	"github.com/labstack/echo/v4"
)

// AuditPhotoPublish records an admin publishing a photo for the public
// Open311 view, or withdrawing it (detail "<index>:on" or "<index>:off").
const AuditPhotoPublish = "publish_photo"

// The photo toggle's interface strings, beside its handler.
func init() {
	uiText["photo.public"] = [2]string{"Tampil di API publik", "Shown in the public API"}
	uiText["photo.publish"] = [2]string{"Tampilkan di API publik", "Show in the public API"}
	uiText["photo.unpublish"] = [2]string{"Sembunyikan dari publik", "Hide from the public"}
	uiText["photo.publish.done"] = [2]string{"Tampilan publik foto diperbarui.", "The photo's public visibility was updated."}
	flashKeys["photo.publish.done"] = true
}

// registerPhotoPublish mounts the per-photo publish toggle on the signed-in
// group: agency admins and supervisors approve a photo of a public report
// for the public Open311 view (media_url), or withdraw it.
func (c *Console) registerPhotoPublish(a *echo.Group) {
	a.POST("/reports/:number/photos/:idx/publish", c.photoPublish, c.requireWrite)
}

// photoPublish sets photo idx of the report public (publish=1) or not
// (publish=0). Only a public-identity report may publish photos; the
// service refuses the rest (400).
func (c *Console) photoPublish(ec echo.Context) error {
	r, err := c.loadReport(ec)
	if r == nil {
		return err
	}
	i, err := strconv.Atoi(ec.Param("idx"))
	on := ec.FormValue("publish")
	if err != nil || i < 0 || (on != "1" && on != "0") {
		return c.renderError(ec, http.StatusBadRequest)
	}
	if err := c.svc.SetPhotoPublished(ec.Request().Context(), r.Number, i, on == "1"); err != nil {
		return c.serviceError(ec, "publish photo", err)
	}
	state := "off"
	if on == "1" {
		state = "on"
	}
	c.auditf(ec, AuditPhotoPublish, r.Number, strconv.Itoa(i)+":"+state)
	return done(ec, r.Number, "photo.publish.done")
}

// Index is the photo's number in the report (the console's numbering: the
// report's own photos, then the timeline's), read from its URL.
func (p photoLink) Index() int {
	i, err := strconv.Atoi(path.Base(p.URL))
	if err != nil {
		return -1
	}
	return i
}
