package api

import (
	"crypto/subtle"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api/open311"
)

// Router is *echo.Echo or *echo.Group.
type Router interface {
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// maxOpen311Body limits a POST requests body.
const maxOpen311Body = 64 << 10

// RegisterOpen311 mounts the built-in Open311 GeoReport v2 server on r,
// which is meant to be the endpoint root: e.Group("/open311/v2") (routes
// services.json, services/{code}.json, requests.json, requests/{id}.json and
// their .xml twins). apiKeys are the keys POST requests accepts (none: every
// POST is refused).
func RegisterOpen311(r Router, svc *Service, apiKeys []string) {
	h := &open311Server{svc: svc, keys: apiKeys}
	for _, f := range []string{"json", "xml"} {
		r.GET("/services."+f, h.services(f))
		r.GET("/requests."+f, h.requests(f))
		r.POST("/requests."+f, h.post(f))
	}
	r.GET("/services/:file", h.withFormat(h.service))
	r.GET("/requests/:file", h.withFormat(h.request))
}

type open311Server struct {
	svc  *Service
	keys []string
}

// withFormat splits "<id>.<json|xml>" of the :file parameter.
func (h *open311Server) withFormat(fn func(c echo.Context, id, format string) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		file := c.Param("file")
		i := strings.LastIndexByte(file, '.')
		if i <= 0 || (file[i+1:] != "json" && file[i+1:] != "xml") {
			return h.fail(c, "json", fmt.Errorf("format must be .json or .xml: %w", ErrNotFound))
		}
		return fn(c, file[:i], file[i+1:])
	}
}

func lang(c echo.Context) string {
	if strings.HasPrefix(lower(c.QueryParam("lang")), "en") {
		return "en"
	}
	return "id"
}

func (h *open311Server) services(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		list := h.svc.open311Services(lang(c))
		if format == "xml" {
			return writeXML(c, http.StatusOK, open311.Services{Services: list})
		}
		return c.JSON(http.StatusOK, list)
	}
}

func (h *open311Server) service(c echo.Context, code, format string) error {
	if _, ok := h.svc.catalog.Service(code); !ok {
		return h.fail(c, format, fmt.Errorf("service_code %q not found: %w", code, ErrNotFound))
	}
	def := open311.ServiceDefinition{ServiceCode: code, Attributes: []open311.Attribute{identityAttribute(lang(c))}}
	if format == "xml" {
		return writeXML(c, http.StatusOK, def)
	}
	return c.JSON(http.StatusOK, def)
}

func (h *open311Server) requests(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		q, err := parsePublicQuery(c)
		if err != nil {
			return h.fail(c, format, err)
		}
		reports, err := h.svc.PublicRequests(c.Request().Context(), q)
		if err != nil {
			return h.fail(c, format, err)
		}
		return h.writeRequests(c, format, reports)
	}
}

func (h *open311Server) request(c echo.Context, id, format string) error {
	r, err := h.svc.PublicRequest(c.Request().Context(), id)
	if err != nil {
		return h.fail(c, format, err)
	}
	return h.writeRequests(c, format, []*Report{r})
}

func (h *open311Server) writeRequests(c echo.Context, format string, reports []*Report) error {
	list := make([]open311.Request, 0, len(reports))
	for _, r := range reports {
		list = append(list, h.svc.open311Request(r, lang(c)))
	}
	if format == "xml" {
		return writeXML(c, http.StatusOK, open311.Requests{Requests: list})
	}
	return c.JSON(http.StatusOK, list)
}

func (h *open311Server) post(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxOpen311Body)
		if err := req.ParseForm(); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return h.fail(c, format, ErrTooLarge)
			}
			return h.fail(c, format, fmt.Errorf("malformed form: %w", ErrInvalid))
		}
		if err := h.checkKey(req.PostForm.Get("api_key")); err != nil {
			return h.fail(c, format, err)
		}
		in, err := parseNewReport(req.PostForm)
		if err != nil {
			return h.fail(c, format, err)
		}
		key := strings.TrimSpace(req.Header.Get("Idempotency-Key"))
		if len(key) > 200 {
			return h.fail(c, format, fmt.Errorf("Idempotency-Key longer than 200 characters: %w", ErrInvalid))
		}
		number, err := h.svc.CreateFromAPI(req.Context(), in, key)
		if err != nil {
			return h.fail(c, format, err)
		}
		out := open311.Created{ServiceRequestID: number}
		if format == "xml" {
			return writeXML(c, http.StatusCreated, open311.CreatedList{Created: []open311.Created{out}})
		}
		return c.JSON(http.StatusCreated, []open311.Created{out})
	}
}

// checkKey: missing -> 401, unknown -> 403; compared in constant time.
func (h *open311Server) checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("api_key is required: %w", ErrUnauthorized)
	}
	ok := 0
	for _, k := range h.keys {
		if k != "" {
			ok |= subtle.ConstantTimeCompare([]byte(key), []byte(k))
		}
	}
	if ok != 1 {
		return fmt.Errorf("api_key is not valid: %w", ErrForbidden)
	}
	return nil
}

func parseNewReport(f map[string][]string) (NewReport, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	in := NewReport{
		ServiceCode: get("service_code"), Description: get("description"), Address: get("address_string"),
		Identity: ParseIdentity(get("attribute[identity]")), Title: get("attribute[title]"),
		Kecamatan: get("attribute[kecamatan]"), Phone: get("phone"),
		Name: strings.TrimSpace(get("first_name") + " " + get("last_name")),
	}
	if in.ServiceCode == "" {
		return in, fmt.Errorf("service_code is required: %w", ErrInvalid)
	}
	if lat, lon := get("lat"), get("long"); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil || !validCoordinates(la, lo) {
			return in, fmt.Errorf("lat and long must be valid WGS84 coordinates: %w", ErrInvalid)
		}
		in.Lat, in.Lon, in.HasPoint = la, lo, true
	}
	return in, nil
}

func parsePublicQuery(c echo.Context) (PublicQuery, error) {
	var q PublicQuery
	for _, id := range strings.Split(c.QueryParam("service_request_id"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			q.IDs = append(q.IDs, id)
		}
	}
	if len(q.IDs) > publicMaxPage {
		return q, fmt.Errorf("at most %d service_request_id values: %w", publicMaxPage, ErrInvalid)
	}
	q.ServiceCode = c.QueryParam("service_code")
	switch st := lower(c.QueryParam("status")); st {
	case "", "open", "closed":
		q.Status = st
	default:
		return q, fmt.Errorf("status must be open or closed: %w", ErrInvalid)
	}
	var err error
	if q.Start, err = parseW3C(c.QueryParam("start_date")); err != nil {
		return q, fmt.Errorf("start_date: %w", err)
	}
	if q.End, err = parseW3C(c.QueryParam("end_date")); err != nil {
		return q, fmt.Errorf("end_date: %w", err)
	}
	for name, dst := range map[string]*int{"page": &q.Page, "page_size": &q.PageSize} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return q, fmt.Errorf("%s must be a positive integer: %w", name, ErrInvalid)
			}
			*dst = n
		}
	}
	return q, nil
}

// parseW3C reads a W3C datetime (RFC 3339, or a plain date).
func parseW3C(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a W3C datetime: %w", ErrInvalid)
}

// fail writes err as an Open311 error list, its status from HTTPStatus.
func (h *open311Server) fail(c echo.Context, format string, err error) error {
	code := HTTPStatus(err)
	if code == http.StatusInternalServerError {
		h.svc.log.Error("open311", "path", c.Path(), "err", err)
	}
	e := open311.Error{Code: code, Description: PublicMessage(err)}
	if format == "xml" {
		return writeXML(c, code, open311.Errors{Errors: []open311.Error{e}})
	}
	return c.JSON(code, []open311.Error{e})
}

func writeXML(c echo.Context, code int, v any) error {
	data, err := xml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode xml: %w", err)
	}
	return c.Blob(code, "text/xml; charset=utf-8", append([]byte(xml.Header), data...))
}

// writeJSONError is the JSON error of the non-Open311 endpoints (webhooks).
func writeJSONError(c echo.Context, err error) error {
	return c.JSON(HTTPStatus(err), map[string]string{"error": PublicMessage(err)})
}
