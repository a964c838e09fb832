package flows

import (
	"fmt"
	"math"
	"strings"

	"gopkg.in/yaml.v3"
)

// The kecamatan of a shared pin is suggested ("Kec. Candi — benar?")
// instead of asking the citizen to find theirs in a list of 18: a pin inside
// a kecamatan's boundary gets that kecamatan, otherwise the one with the
// nearest centre (when the pin is within reach of one). services.yaml gives
// each kecamatan as a name, or as {name, center: [lat, lon], boundary:
// [[lat, lon], ...]}.

// Area is a kecamatan with its centre and, if known, its boundary.
type Area struct {
	Name     string
	Lat, Lon float64
	// Boundary is a simple polygon (lat, lon pairs, not closed); nil when
	// only the centre is known.
	Boundary [][2]float64
}

// maxCenterKm: a pin farther than this from every centre gets no
// suggestion (the list is asked).
const maxCenterKm = 12.0

// kecamatanEntry is one item of the kecamatan list: a name, or a mapping.
type kecamatanEntry struct {
	Name     string       `yaml:"name"`
	Center   []float64    `yaml:"center"`
	Boundary [][2]float64 `yaml:"boundary"`
	line     int
}

func (k *kecamatanEntry) UnmarshalYAML(n *yaml.Node) error {
	k.line = n.Line
	if n.Kind == yaml.ScalarNode {
		k.Name = n.Value
		return nil
	}
	type plain kecamatanEntry
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	p.line = n.Line
	*k = kecamatanEntry(p)
	return nil
}

// UnmarshalYAML reads a catalogue whose kecamatan are names or mappings
// (as services.yaml is read by tools and tests outside this package).
func (c *Catalog) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Region    Region           `yaml:"region"`
		Agencies  []Agency         `yaml:"agencies"`
		Services  []Service        `yaml:"services"`
		Kecamatan []kecamatanEntry `yaml:"kecamatan"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	c.Region, c.Agencies, c.Services = raw.Region, raw.Agencies, raw.Services
	c.setKecamatan(raw.Kecamatan)
	return nil
}

// setKecamatan fills the catalogue's names and areas from the list.
func (c *Catalog) setKecamatan(entries []kecamatanEntry) {
	c.Kecamatan, c.Areas = nil, nil
	for _, e := range entries {
		c.Kecamatan = append(c.Kecamatan, e.Name)
		if len(e.Center) == 2 {
			c.Areas = append(c.Areas, Area{Name: e.Name, Lat: e.Center[0], Lon: e.Center[1], Boundary: e.Boundary})
		}
	}
}

func (c *Catalog) validateAreas(file string) []error {
	var errs []error
	seen := map[string]bool{}
	for _, k := range c.Kecamatan {
		if strings.TrimSpace(k) == "" || seen[strings.ToLower(k)] {
			errs = append(errs, fmt.Errorf("%s: kecamatan %q: empty or duplicate", file, k))
		}
		seen[strings.ToLower(k)] = true
	}
	for _, a := range c.Areas {
		if !validLatLon(a.Lat, a.Lon) {
			errs = append(errs, fmt.Errorf("%s: kecamatan %q: center is not a point on Earth", file, a.Name))
		}
		if b := c.Region.Bounds; b != nil && !b.Contains(a.Lat, a.Lon) {
			errs = append(errs, fmt.Errorf("%s: kecamatan %q: center %v, %v is outside the region bounds (latitude first?)", file, a.Name, a.Lat, a.Lon))
		}
		if len(a.Boundary) > 0 && len(a.Boundary) < 3 {
			errs = append(errs, fmt.Errorf("%s: kecamatan %q: a boundary needs at least 3 points", file, a.Name))
		}
		for _, p := range a.Boundary {
			if !validLatLon(p[0], p[1]) {
				errs = append(errs, fmt.Errorf("%s: kecamatan %q: boundary point %v is not a point on Earth", file, a.Name, p))
				break
			}
		}
	}
	return errs
}

// areaOf suggests the kecamatan of a point: the one whose boundary holds
// it, else the nearest centre within maxCenterKm; "" when none.
func (c *Catalog) areaOf(lat, lon float64) string {
	for _, a := range c.Areas {
		if len(a.Boundary) >= 3 && inPolygon(lat, lon, a.Boundary) {
			return a.Name
		}
	}
	best, bestKm := "", maxCenterKm
	for _, a := range c.Areas {
		if d := distanceKm(lat, lon, a.Lat, a.Lon); d < bestKm {
			best, bestKm = a.Name, d
		}
	}
	return best
}

// inPolygon is the even-odd ray test; fine for a kecamatan (small, far from
// the poles and the 180th meridian).
func inPolygon(lat, lon float64, poly [][2]float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		yi, xi := poly[i][0], poly[i][1]
		yj, xj := poly[j][0], poly[j][1]
		if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// distanceKm is the great-circle distance (haversine).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// kecamatanInText finds the one kecamatan a typed text names as a word
// ("Jl. Raya Candi 5" -> candi); "" for none or several.
func (c *Catalog) kecamatanInText(text string) string {
	words := " " + normalize(strings.NewReplacer(",", " ", ".", " ", "/", " ", "-", " ").Replace(text)) + " "
	found := ""
	for _, k := range c.Kecamatan {
		if strings.Contains(words, " "+normalize(k)+" ") {
			if found != "" {
				return ""
			}
			found = strings.ToLower(k)
		}
	}
	return found
}
