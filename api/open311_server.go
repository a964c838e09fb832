package api

import (
	"crypto/subtle"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/api/open311"
)

// Router is *echo.Echo or *echo.Group.
type Router interface {
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	Match(methods []string, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) []*echo.Route
	RouteNotFound(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// maxOpen311Body limits a POST requests body.
const maxOpen311Body = 64 << 10

// DefaultOpen311DescriptionLimit is the longest description a POST may
// carry unless configured otherwise: the spec's 4,000 characters.
const DefaultOpen311DescriptionLimit = 4000

// Bounds of list parameters.
const (
	maxServiceCodes = 100
	maxFieldLen     = 254 // email, account_id, device_id
	maxMediaURLLen  = 2000
)

// RegisterOpen311 mounts the built-in Open311 GeoReport v2 server on r with
// only apiKeys configured (see RegisterOpen311With).
func RegisterOpen311(r Router, svc *Service, apiKeys []string) {
	RegisterOpen311With(r, svc, Config{APIKeys: apiKeys})
}

// RegisterOpen311With mounts the built-in Open311 GeoReport v2 server on r,
// which is meant to be the endpoint root: e.Group("/open311/v2"). Routes,
// each in .json and .xml: discovery, services, services/{code},
// requests (GET and POST), requests/{id}; and media/{number}/{index}, the
// signed photo URLs. Every other path or method under r answers an Open311
// error list. cfg.APIKeys are the keys POST accepts (none: every POST is
// refused); see Config for the rest.
func RegisterOpen311With(r Router, svc *Service, cfg Config) {
	h := &open311Server{svc: svc, keys: cfg.APIKeys, cfg: cfg, media: newMediaSigner(cfg),
		days: newWorkingDays(svc.zone(), cfg.Holidays), started: svc.now()}
	if h.cfg.Open311DescriptionLimit <= 0 {
		h.cfg.Open311DescriptionLimit = DefaultOpen311DescriptionLimit
	}
	if h.cfg.SLARespondDays <= 0 {
		h.cfg.SLARespondDays = 5
	}
	get := func(path string, fn echo.HandlerFunc) {
		r.GET(path, fn)
		r.Match([]string{http.MethodHead}, path, fn)
		h.refuseOthers(r, path, http.MethodGet, http.MethodHead)
	}
	// The endpoint root answers with the discovery file too, as the Service
	// Discovery page suggests.
	get("", h.discovery("json"))
	get("/", h.discovery("json"))
	for _, f := range []string{"json", "xml"} {
		get("/discovery."+f, h.discovery(f))
		get("/services."+f, h.services(f))
		r.GET("/requests."+f, h.requests(f))
		r.Match([]string{http.MethodHead}, "/requests."+f, h.requests(f))
		r.POST("/requests."+f, h.post(f))
		h.refuseOthers(r, "/requests."+f, http.MethodGet, http.MethodHead, http.MethodPost)
	}
	get("/services/:file", h.withFormat(h.service))
	get("/requests/:file", h.withFormat(h.request))
	get("/media/:number/:file", h.serveMedia)
	r.RouteNotFound("/*", func(c echo.Context) error {
		return h.fail(c, formatOf(c.Request().URL.Path), fmt.Errorf("no such Open311 resource: %w", ErrNotFound))
	})
}

type open311Server struct {
	svc     *Service
	keys    []string
	cfg     Config
	media   *mediaSigner
	days    workingDays
	started time.Time
}

// refuseOthers answers 405 with an Open311 error to every method on path
// but the allowed ones (instead of echo's own JSON).
func (h *open311Server) refuseOthers(r Router, path string, allowed ...string) {
	var others []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions} {
		if !slices.Contains(allowed, m) {
			others = append(others, m)
		}
	}
	r.Match(others, path, func(c echo.Context) error {
		c.Response().Header().Set("Allow", strings.Join(allowed, ", "))
		return h.failCode(c, formatOf(c.Request().URL.Path), http.StatusMethodNotAllowed,
			"method "+c.Request().Method+" not allowed here; use "+strings.Join(allowed, " or "))
	})
}

// formatOf is the answer format a path asks for: xml for a .xml suffix,
// json otherwise.
func formatOf(path string) string {
	if strings.HasSuffix(strings.ToLower(path), ".xml") {
		return "xml"
	}
	return "json"
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

// checkJurisdiction refuses a jurisdiction_id this server does not serve
// (404, as the spec says); an absent one is fine (one jurisdiction).
func (h *open311Server) checkJurisdiction(v string) error {
	v = strings.TrimSpace(v)
	want := h.svc.catalog.Region.JurisdictionID
	if v == "" || want == "" || strings.EqualFold(v, want) {
		return nil
	}
	return fmt.Errorf("jurisdiction_id %q not found: this endpoint serves %q: %w", truncateRunes(v, 100), want, ErrNotFound)
}

// readGET checks what every GET may carry: jurisdiction_id, and an api_key
// (optional; a wrong one is refused) whose filer may read back its own
// rahasia reports.
func (h *open311Server) readGET(c echo.Context) (filer string, err error) {
	if err := h.checkJurisdiction(c.QueryParam("jurisdiction_id")); err != nil {
		return "", err
	}
	if key := c.QueryParam("api_key"); key != "" {
		if err := h.checkKey(key); err != nil {
			return "", err
		}
		return FilerOf(key), nil
	}
	return "", nil
}

func (h *open311Server) discovery(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := h.readGET(c); err != nil {
			return h.fail(c, format, err)
		}
		base := strings.TrimRight(h.cfg.PublicURL, "/")
		if base == "" {
			base = c.Scheme() + "://" + c.Request().Host
		}
		changeset := w3c(h.started.Truncate(time.Second), h.svc.zone())
		region := h.svc.catalog.Region.Name
		if region == "" {
			region = "Aduan"
		}
		d := open311.Discovery{
			Changeset:  changeset,
			Contact:    "Aduan " + region + ": " + base,
			KeyService: "api_key untuk POST diberikan oleh operator Aduan " + region + "; GET tidak memerlukan api_key.",
			Endpoints: []open311.Endpoint{{
				Specification: open311.SpecGeoReportV2, URL: base + Open311Root, Changeset: changeset,
				Type: "production", Formats: []string{"text/xml", "application/json"},
			}},
		}
		return h.write(c, format, http.StatusOK, d, d)
	}
}

func (h *open311Server) services(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := h.readGET(c); err != nil {
			return h.fail(c, format, err)
		}
		list := h.svc.open311Services(lang(c))
		return h.write(c, format, http.StatusOK, list, open311.Services{Services: list})
	}
}

func (h *open311Server) service(c echo.Context, code, format string) error {
	if _, err := h.readGET(c); err != nil {
		return h.fail(c, format, err)
	}
	if _, ok := h.svc.catalog.Service(code); !ok {
		return h.fail(c, format, fmt.Errorf("service_code %q not found: %w", truncateRunes(code, 100), ErrNotFound))
	}
	def := open311.ServiceDefinition{ServiceCode: code,
		Attributes: append([]open311.Attribute{identityAttribute(lang(c), h.svc.apiIdentity(code))},
			serviceAttributes(h.svc.catalog, code, lang(c))...)}
	return h.write(c, format, http.StatusOK, def, def)
}

func (h *open311Server) requests(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		filer, err := h.readGET(c)
		if err != nil {
			return h.fail(c, format, err)
		}
		q, err := h.parsePublicQuery(c.QueryParams())
		if err != nil {
			return h.fail(c, format, err)
		}
		q.Filer = filer
		reports, err := h.svc.PublicRequests(c.Request().Context(), q)
		if err != nil {
			return h.fail(c, format, err)
		}
		return h.writeRequests(c, format, reports)
	}
}

func (h *open311Server) request(c echo.Context, id, format string) error {
	filer, err := h.readGET(c)
	if err != nil {
		return h.fail(c, format, err)
	}
	r, err := h.svc.PublicRequestFor(c.Request().Context(), id, filer)
	if err != nil {
		return h.fail(c, format, err)
	}
	return h.writeRequests(c, format, []*Report{r})
}

func (h *open311Server) writeRequests(c echo.Context, format string, reports []*Report) error {
	list := make([]open311.Request, 0, len(reports))
	for _, r := range reports {
		list = append(list, h.view(r, lang(c)))
	}
	return h.write(c, format, http.StatusOK, list, open311.Requests{Requests: list})
}

// view is a report as the Open311 server shows it: the public view, its
// expected_datetime (open requests: the respond SLA in working days) and the
// signed URLs of its published photos.
func (h *open311Server) view(r *Report, lang string) open311.Request {
	q := h.svc.open311Request(r, lang)
	if r.Status.Open() {
		q.ExpectedDatetime = w3c(h.days.due(r.CreatedAt, h.cfg.SLARespondDays), h.svc.zone())
	}
	if urls := h.media.publicMedia(r, h.svc.now()); len(urls) > 0 {
		q.MediaURL, q.MediaURLs = urls[0], urls
	}
	return q
}

func (h *open311Server) post(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		// Room for the longest description in UTF-8 and the other fields.
		req.Body = http.MaxBytesReader(c.Response(), req.Body, max(maxOpen311Body, 4*int64(h.cfg.Open311DescriptionLimit)+16<<10))
		if err := req.ParseForm(); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return h.fail(c, format, ErrTooLarge)
			}
			return h.fail(c, format, fmt.Errorf("malformed form: %w", ErrInvalid))
		}
		key := req.PostForm.Get("api_key")
		if err := h.checkKey(key); err != nil {
			return h.fail(c, format, err)
		}
		if err := h.checkJurisdiction(req.PostForm.Get("jurisdiction_id")); err != nil {
			return h.fail(c, format, err)
		}
		in, err := parseNewReport(req.PostForm, h.cfg.Open311DescriptionLimit)
		if err != nil {
			return h.fail(c, format, err)
		}
		in.Filer = FilerOf(key)
		idem := strings.TrimSpace(req.Header.Get("Idempotency-Key"))
		if len(idem) > 200 {
			return h.fail(c, format, fmt.Errorf("Idempotency-Key longer than 200 characters: %w", ErrInvalid))
		}
		number, err := h.svc.CreateFromAPI(req.Context(), in, idem)
		if err != nil {
			return h.fail(c, format, err)
		}
		l := lang(c)
		if strings.HasPrefix(lower(req.PostForm.Get("lang")), "en") {
			l = "en"
		}
		out := open311.Created{ServiceRequestID: number, ServiceNotice: h.svc.serviceNotice(l, in.ServiceCode),
			AccountID: in.AccountID}
		list := []open311.Created{out}
		return h.write(c, format, http.StatusCreated, list, open311.CreatedList{Created: list})
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

// parseNewReport reads a POST requests form. descLimit is the longest
// description accepted, in characters.
func parseNewReport(f url.Values, descLimit int) (NewReport, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	in := NewReport{
		ServiceCode: get("service_code"), Description: get("description"), Address: get("address_string"),
		Identity: Identity(get("attribute[identity]")), Title: get("attribute[title]"),
		Kecamatan: get("attribute[kecamatan]"), Phone: get("phone"),
		Name:  strings.TrimSpace(get("first_name") + " " + get("last_name")),
		Email: get("email"), AccountID: get("account_id"), MediaURL: get("media_url"),
	}
	if in.ServiceCode == "" {
		return in, fmt.Errorf("service_code is required: %w", ErrInvalid)
	}
	// The service's own questions (services.yaml attributes) as
	// attribute[code]; identity, title and kecamatan are read above.
	for k, vs := range f {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok || !strings.HasSuffix(code, "]") || len(vs) == 0 {
			continue
		}
		code = strings.TrimSuffix(code, "]")
		switch v := strings.TrimSpace(vs[0]); {
		case code == "identity" || code == "title" || code == "kecamatan" || v == "":
		case len(code) > 64 || utf8.RuneCountInString(v) > 2000 || len(in.Attributes) >= 20:
			return in, fmt.Errorf("attribute[%.64s]: too long or too many attributes: %w", code, ErrInvalid)
		default:
			if in.Attributes == nil {
				in.Attributes = map[string]string{}
			}
			in.Attributes[code] = v
		}
	}
	if n := utf8.RuneCountInString(in.Description); n > descLimit {
		return in, fmt.Errorf("description is %d characters, at most %d are accepted: %w", n, descLimit, ErrInvalid)
	}
	if lat, lon := get("lat"), get("long"); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil || !validCoordinates(la, lo) {
			return in, fmt.Errorf("lat and long must be valid WGS84 coordinates: %w", ErrInvalid)
		}
		in.Lat, in.Lon, in.HasPoint = la, lo, true
	}
	if id := get("address_id"); in.Address == "" && id != "" {
		// The spec's third location: the jurisdiction's own address id.
		in.Address = "address_id " + truncateRunes(id, 100)
	}
	if in.Email != "" {
		a, err := mail.ParseAddress(in.Email)
		if err != nil || a.Address != in.Email || len(in.Email) > maxFieldLen {
			return in, fmt.Errorf("email is not a valid address: %w", ErrInvalid)
		}
	}
	if len(in.AccountID) > maxFieldLen || len(get("device_id")) > maxFieldLen {
		return in, fmt.Errorf("account_id and device_id may be at most %d bytes: %w", maxFieldLen, ErrInvalid)
	}
	if in.MediaURL != "" {
		u, err := url.Parse(in.MediaURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.MediaURL) > maxMediaURLLen {
			return in, fmt.Errorf("media_url must be an http(s) URL: %w", ErrInvalid)
		}
	}
	return in, nil
}

// values are a parameter's values, each split at commas (the spec's comma
// lists and repeated parameters alike), trimmed, blanks dropped.
func values(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, splitList(v)...)
	}
	return out
}

func (h *open311Server) parsePublicQuery(params url.Values) (PublicQuery, error) {
	var q PublicQuery
	q.IDs = values(params, "service_request_id")
	if len(q.IDs) > publicMaxPage {
		return q, fmt.Errorf("at most %d service_request_id values: %w", publicMaxPage, ErrInvalid)
	}
	q.ServiceCodes = values(params, "service_code")
	if len(q.ServiceCodes) > maxServiceCodes {
		return q, fmt.Errorf("at most %d service_code values: %w", maxServiceCodes, ErrInvalid)
	}
	var open, closed bool
	for _, st := range values(params, "status") {
		switch lower(st) {
		case "open":
			open = true
		case "closed":
			closed = true
		default:
			return q, fmt.Errorf("status must be open or closed (or both, comma separated): %w", ErrInvalid)
		}
	}
	switch {
	case open && !closed:
		q.Status = "open"
	case closed && !open:
		q.Status = "closed"
	}
	var err error
	loc := h.svc.zone()
	if q.Start, err = parseW3C(params.Get("start_date"), loc); err != nil {
		return q, fmt.Errorf("start_date: %w", err)
	}
	if q.End, err = parseW3C(params.Get("end_date"), loc); err != nil {
		return q, fmt.Errorf("end_date: %w", err)
	}
	for name, dst := range map[string]*int{"page": &q.Page, "page_size": &q.PageSize} {
		if v := params.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return q, fmt.Errorf("%s must be a positive integer: %w", name, ErrInvalid)
			}
			*dst = n
		}
	}
	return q, nil
}

// parseW3C reads a W3C datetime (RFC 3339, or a plain date: its midnight in
// loc, the region's zone).
func parseW3C(v string, loc *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("not a W3C datetime: %w", ErrInvalid)
}

// write answers v as JSON, or x as XML.
func (h *open311Server) write(c echo.Context, format string, code int, v, x any) error {
	if format == "xml" {
		return writeXML(c, code, x)
	}
	return c.JSON(code, v)
}

// fail writes err as an Open311 error list, its status from HTTPStatus.
func (h *open311Server) fail(c echo.Context, format string, err error) error {
	code := HTTPStatus(err)
	if code == http.StatusInternalServerError {
		h.svc.log.ErrorContext(c.Request().Context(), "open311", "path", c.Path(), "err", err)
	}
	return h.failCode(c, format, code, PublicMessage(err))
}

func (h *open311Server) failCode(c echo.Context, format string, code int, desc string) error {
	e := open311.Error{Code: code, Description: desc}
	return h.write(c, format, code, []open311.Error{e}, open311.Errors{Errors: []open311.Error{e}})
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

// truncateRunes cuts s to at most n characters (for echoing input back).
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
