package flows

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the region's zone works on a machine without zoneinfo

	"gopkg.in/yaml.v3"
)

// Text is a text in every language of the product. Javanese is optional:
// without it a Javanese conversation reads the Indonesian text.
type Text struct {
	ID string `yaml:"id" json:"id"`
	EN string `yaml:"en" json:"en"`
	JV string `yaml:"jv" json:"jv,omitempty"`
}

// In returns the text in lang, falling back to Indonesian.
func (t Text) In(lang string) string {
	switch {
	case lang == LangEN && t.EN != "":
		return t.EN
	case lang == LangJV && t.JV != "":
		return t.JV
	}
	return t.ID
}

// Region describes the deployment: the regency, its tracking-number prefix and
// its emergency number (an operator setting: 112 by default).
type Region struct {
	Name            string `yaml:"name"`
	TrackingPrefix  string `yaml:"tracking_prefix"`
	EmergencyNumber string `yaml:"emergency_number"`
	// Timezone is where "today" and "yesterday" are counted (IANA name).
	Timezone string `yaml:"timezone"`
	// Bounds is a rough box around the region. A point outside it is
	// confirmed with the citizen (a mis-tapped map, a phone's stale GPS fix),
	// never refused: a report may well concern a road just over the border.
	// Nil: no check.
	Bounds *Bounds `yaml:"bounds"`
	// JurisdictionID is the Open311 jurisdiction_id of the built-in server
	// (by convention the regency's web domain without www, e.g.
	// "sidoarjokab.go.id"). A request naming another one is refused; empty:
	// any jurisdiction_id is accepted.
	JurisdictionID string `yaml:"jurisdiction_id"`
	// EmergencyNumbers are numbers per emergency service (police, fire,
	// ambulance, sar) where the regency wants them; an emergency of another
	// service, or of one not listed, gets EmergencyNumber.
	EmergencyNumbers map[string]string `yaml:"emergency_numbers"`

	loc *time.Location
}

// Bounds is a box of latitude (south..north) and longitude (west..east), in
// degrees. A box across the 180th meridian is not supported.
type Bounds struct {
	South float64 `yaml:"south"`
	West  float64 `yaml:"west"`
	North float64 `yaml:"north"`
	East  float64 `yaml:"east"`
}

// Contains reports whether a point lies in the box, edges included.
func (b Bounds) Contains(lat, lon float64) bool {
	return lat >= b.South && lat <= b.North && lon >= b.West && lon <= b.East
}

// UnmarshalYAML requires all four edges: a forgotten "south" would otherwise
// be 0, the equator, and silently move the box.
func (b *Bounds) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: region bounds: want {south, west, north, east}", n.Line)
	}
	edges := map[string]*float64{"south": &b.South, "west": &b.West, "north": &b.North, "east": &b.East}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		p, ok := edges[key]
		if !ok {
			return fmt.Errorf("line %d: region bounds: unknown field %q (want south, west, north, east)", val.Line, key)
		}
		if err := val.Decode(p); err != nil {
			return fmt.Errorf("line %d: region bounds %s: not a number (%q)", val.Line, key, val.Value)
		}
		seen[key] = true
	}
	for _, k := range []string{"south", "west", "north", "east"} {
		if !seen[k] {
			return fmt.Errorf("line %d: region bounds: %s is missing", n.Line, k)
		}
	}
	return nil
}

func (b *Bounds) validate() error {
	switch {
	case !finite(b.South) || !finite(b.West) || !finite(b.North) || !finite(b.East):
		return fmt.Errorf("south, west, north and east must be finite numbers")
	case b.South < -90 || b.North > 90 || b.West < -180 || b.East > 180:
		return fmt.Errorf("latitudes must be within -90..90 and longitudes within -180..180")
	case b.South >= b.North:
		return fmt.Errorf("south %v must be below north %v", b.South, b.North)
	case b.West >= b.East:
		return fmt.Errorf("west %v must be below east %v (a box across the 180th meridian is not supported)", b.West, b.East)
	}
	return nil
}

// Location is the region's time zone (UTC if unknown).
func (r Region) Location() *time.Location {
	if r.loc == nil {
		return time.UTC
	}
	return r.loc
}

// Agency is an OPD (agency) or a sub-district office that handles reports.
type Agency struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
}

// Service is a complaint category (an Open311 service).
type Service struct {
	Code        string `yaml:"code" json:"code"`
	Agency      string `yaml:"agency" json:"agency"`
	Group       string `yaml:"group" json:"group"`
	Name        Text   `yaml:"name" json:"name"`
	Description Text   `yaml:"description" json:"description"`
	// Notice is the Open311 service_notice: what happens to a request of
	// this service (who verifies it, in how long). Empty: none.
	Notice Text `yaml:"service_notice" json:"service_notice"`
	// APIIdentity is the identity mode of a report filed through the
	// built-in Open311 server without attribute[identity]: public (the
	// default), anonim or rahasia.
	APIIdentity string `yaml:"api_identity" json:"api_identity,omitempty"`
	// Keywords are what citizens write about this category, by language
	// (id, en, jv): a typed category or a first message is matched against
	// them (see category.go).
	Keywords map[string][]string `yaml:"keywords" json:"-"`
	// Other marks the catch-all category a citizen is offered when nothing
	// they typed matched twice.
	Other bool `yaml:"other" json:"-"`
	// Attributes are this category's own questions (an Open311 service
	// definition), asked after the description; the answers go with the
	// report as Fields["attr.<code>"].
	Attributes []Attribute `yaml:"attributes" json:"attributes,omitempty"`
}

// Catalog is the services configuration: what a citizen can complain about,
// which agency handles it, and the region's sub-districts.
type Catalog struct {
	Region    Region    `yaml:"region"`
	Agencies  []Agency  `yaml:"agencies"`
	Services  []Service `yaml:"services"`
	Kecamatan []string  `yaml:"kecamatan"`
	// Areas are the kecamatan with a centre point and perhaps a boundary,
	// for suggesting the kecamatan of a shared pin (none when services.yaml
	// gives names only).
	Areas []Area `yaml:"-"`
}

// Service returns the service with code.
func (c *Catalog) Service(code string) (Service, bool) {
	for _, s := range c.Services {
		if s.Code == code {
			return s, true
		}
	}
	return Service{}, false
}

// Agency returns the agency with code.
func (c *Catalog) Agency(code string) (Agency, bool) {
	for _, a := range c.Agencies {
		if a.Code == code {
			return a, true
		}
	}
	return Agency{}, false
}

func (c *Catalog) validate(file string) []error {
	var errs []error
	if c.Region.TrackingPrefix == "" {
		c.Region.TrackingPrefix = "ADU"
	}
	if c.Region.EmergencyNumber == "" {
		c.Region.EmergencyNumber = "112"
	}
	if c.Region.Timezone == "" {
		c.Region.Timezone = "Asia/Jakarta"
	}
	loc, err := time.LoadLocation(c.Region.Timezone)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: region timezone %q: %w", file, c.Region.Timezone, err))
	}
	c.Region.loc = loc
	if b := c.Region.Bounds; b != nil {
		if err := b.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: region bounds: %w", file, err))
		}
	}
	for svc, n := range c.Region.EmergencyNumbers {
		if !emergencyServices[svc] {
			errs = append(errs, fmt.Errorf("%s: region emergency_numbers: %q: want police, fire, ambulance or sar", file, svc))
		}
		if !validPhoneNumber(n) {
			errs = append(errs, fmt.Errorf("%s: region emergency_numbers %s: %q is not a phone number", file, svc, n))
		}
	}
	if !validPhoneNumber(c.Region.EmergencyNumber) {
		errs = append(errs, fmt.Errorf("%s: region emergency_number: %q is not a phone number", file, c.Region.EmergencyNumber))
	}
	agencies := map[string]bool{}
	for _, a := range c.Agencies {
		if a.Code == "" || agencies[a.Code] {
			errs = append(errs, fmt.Errorf("%s: agency %q: empty or duplicate code", file, a.Code))
		}
		agencies[a.Code] = true
	}
	seen := map[string]bool{}
	for _, s := range c.Services {
		switch {
		case s.Code == "" || seen[s.Code]:
			errs = append(errs, fmt.Errorf("%s: service %q: empty or duplicate code", file, s.Code))
		case strings.ContainsAny(s.Code, "|: "):
			errs = append(errs, fmt.Errorf("%s: service %q: code must not contain '|', ':' or spaces", file, s.Code))
		case !agencies[s.Agency]:
			errs = append(errs, fmt.Errorf("%s: service %q: unknown agency %q", file, s.Code, s.Agency))
		case s.Name.ID == "" || s.Name.EN == "":
			errs = append(errs, fmt.Errorf("%s: service %q: name needs id and en", file, s.Code))
		case s.APIIdentity != "" && s.APIIdentity != "public" && s.APIIdentity != "anonim" && s.APIIdentity != "rahasia":
			errs = append(errs, fmt.Errorf("%s: service %q: api_identity %q must be public, anonim or rahasia", file, s.Code, s.APIIdentity))
		case len(s.Code) > maxValueLen:
			errs = append(errs, fmt.Errorf("%s: service %q: code longer than %d characters (it is button data)", file, s.Code, maxValueLen))
		}
		seen[s.Code] = true
		for lang := range s.Keywords {
			if lang != LangID && lang != LangEN && lang != LangJV {
				errs = append(errs, fmt.Errorf("%s: service %q: keywords: language %q: want id, en or jv", file, s.Code, lang))
			}
		}
		errs = append(errs, validateAttributes(file, s)...)
	}
	others := 0
	for _, s := range c.Services {
		if s.Other {
			others++
		}
	}
	if others > 1 {
		errs = append(errs, fmt.Errorf("%s: services: %d are marked other; at most one catch-all", file, others))
	}
	errs = append(errs, c.validateAreas(file)...)
	return errs
}

// validPhoneNumber: digits, perhaps a leading +, 3 to 15 of them (112, 110,
// a landline written without its dashes).
func validPhoneNumber(n string) bool {
	d := strings.TrimPrefix(n, "+")
	if len(d) < 3 || len(d) > 15 {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
