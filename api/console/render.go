package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed web
var webFS embed.FS

// views holds one template set per page, each made of base.html and the page.
type views struct{ pages map[string]*template.Template }

var funcs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"join": strings.Join,
}

func mustParseViews() *views {
	v := &views{pages: map[string]*template.Template{}}
	names, err := fs.Glob(webFS, "web/templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "base.html" {
			continue
		}
		t := template.Must(template.New(base).Funcs(funcs).ParseFS(webFS, "web/templates/base.html", n))
		v.pages[base] = t
	}
	return v
}

// page is what every template gets: the translator, the signed-in account,
// the current path (for the navigation), a flash message and the page's data.
type page struct {
	L     tr
	Me    Account
	Path  string
	Query string
	Flash string
	Data  any
	// WhatsApp is set when the WhatsApp page exists (for the navigation).
	WhatsApp bool
}

// render writes a page. It renders into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (c *Console) render(ec echo.Context, code int, name string, data any) error {
	t, ok := c.views.pages[name]
	if !ok {
		return fmt.Errorf("console: no template %s", name)
	}
	p := page{L: lang(ec), Me: account(ec), Path: ec.Request().URL.Path, Query: ec.Request().URL.RawQuery, Data: data,
		WhatsApp: c.cfg.WhatsApp != nil}
	if f := ec.QueryParam("ok"); f != "" && flashKeys[f] {
		p.Flash = p.L.T(f)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
		c.log.Error("console: render", "template", name, "err", err)
		return ec.String(http.StatusInternalServerError, p.L.T("err.500"))
	}
	return ec.HTMLBlob(code, buf.Bytes())
}

// flashKeys are the messages a redirect may ask the next page to show.
var flashKeys = map[string]bool{
	"reply.sent": true, "ask.sent": true, "status.changed": true, "note.saved": true,
	"reassigned": true, "dead.retried": true,
}

type errorData struct {
	Code    int
	Message string
}

// renderError shows an error page with a message that reveals nothing
// internal.
func (c *Console) renderError(ec echo.Context, code int) error {
	key := fmt.Sprintf("err.%d", code)
	if _, ok := uiText[key]; !ok {
		key = "err.500"
	}
	return c.render(ec, code, "error.html", errorData{Code: code, Message: lang(ec).T(key)})
}
