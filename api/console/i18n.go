package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Languages of the console's own interface. Indonesian is the default;
// admins may switch to English with ?lang=en (remembered in a cookie).
const (
	langID = "id"
	langEN = "en"
)

const langCookie = "aduan_console_lang"

// tr translates the console's interface strings into one language.
type tr struct{ lang string }

// T returns the text of key; a missing key shows itself, so a gap is visible
// in review and caught by the test that walks every key.
func (t tr) T(key string) string {
	m, ok := uiText[key]
	if !ok {
		return key
	}
	if t.lang == langEN {
		return m[1]
	}
	return m[0]
}

// Tf formats the text of key with args.
func (t tr) Tf(key string, args ...any) string { return fmt.Sprintf(t.T(key), args...) }

// Lang is the language code, for <html lang>.
func (t tr) Lang() string { return t.lang }

// Date formats t for the interface.
func (t tr) Date(ts time.Time) string {
	if ts.IsZero() {
		return "—"
	}
	return ts.Format("02/01/2006 15:04")
}

// Day formats the date of t.
func (t tr) Day(ts time.Time) string {
	if ts.IsZero() {
		return "—"
	}
	return ts.Format("02/01/2006")
}

// languageOf picks the language: ?lang= (remembered in a cookie), then the
// cookie, then Indonesian.
func languageOf(c echo.Context, secure bool) tr {
	if q := c.QueryParam("lang"); q == langID || q == langEN {
		c.SetCookie(&http.Cookie{
			Name: langCookie, Value: q, Path: "/console", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
		})
		return tr{q}
	}
	if ck, err := c.Cookie(langCookie); err == nil && (ck.Value == langID || ck.Value == langEN) {
		return tr{ck.Value}
	}
	return tr{langID}
}
