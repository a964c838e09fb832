package flows

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the region's zone works on a machine without zoneinfo
)

// Text is a text in every language of the product.
type Text struct {
	ID string `yaml:"id" json:"id"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang, falling back to Indonesian.
func (t Text) In(lang string) string {
	if lang == LangEN && t.EN != "" {
		return t.EN
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

	loc *time.Location
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
}

// Catalog is the services configuration: what a citizen can complain about,
// which agency handles it, and the region's sub-districts.
type Catalog struct {
	Region    Region    `yaml:"region"`
	Agencies  []Agency  `yaml:"agencies"`
	Services  []Service `yaml:"services"`
	Kecamatan []string  `yaml:"kecamatan"`
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
		}
		seen[s.Code] = true
	}
	return errs
}
