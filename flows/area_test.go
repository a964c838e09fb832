package flows

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestAreaOf(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := set.Catalog()
	tests := []struct {
		name     string
		lat, lon float64
		want     string
	}{
		{"alun-alun Sidoarjo", -7.4478, 112.7183, "Sidoarjo"},
		{"Juanda airport", -7.3798, 112.7869, "Sedati"},
		{"Pasar Krian", -7.4103, 112.5797, "Krian"},
		{"Porong", -7.5397, 112.6857, "Porong"},
		{"Bundaran Waru", -7.3446, 112.7275, "Waru"},
		{"far away (Jakarta)", -6.2, 106.8, ""},
	}
	for _, tt := range tests {
		if got := c.areaOf(tt.lat, tt.lon); got != tt.want {
			t.Errorf("%s: areaOf(%v, %v) = %q, want %q", tt.name, tt.lat, tt.lon, got, tt.want)
		}
	}
	// A boundary wins over a nearer centre.
	c2 := &Catalog{Areas: []Area{
		{Name: "Near", Lat: -7.45, Lon: 112.70},
		{Name: "Box", Lat: -7.60, Lon: 112.90, Boundary: [][2]float64{{-7.46, 112.69}, {-7.46, 112.71}, {-7.44, 112.71}, {-7.44, 112.69}}},
	}}
	if got := c2.areaOf(-7.45, 112.70); got != "Box" {
		t.Errorf("point inside a boundary: %q, want Box", got)
	}
	if got := c2.areaOf(-7.47, 112.70); got != "Near" {
		t.Errorf("point outside every boundary: %q, want the nearest centre", got)
	}
}

// services.yaml read with plain yaml (as the complaint side's tests do) gets
// names and areas alike.
func TestCatalogUnmarshalKeepsNames(t *testing.T) {
	data, err := defaultFiles.ReadFile("defaults/services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c Catalog
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Kecamatan) != 18 || c.Kecamatan[0] != "Balongbendo" || len(c.Areas) != 18 || len(c.Services) == 0 {
		t.Errorf("kecamatan %v areas %d services %d", c.Kecamatan, len(c.Areas), len(c.Services))
	}
	var plain Catalog
	if err := yaml.Unmarshal([]byte("kecamatan: [Candi, Waru]"), &plain); err != nil || len(plain.Kecamatan) != 2 || len(plain.Areas) != 0 {
		t.Errorf("names only: %v %v %v", plain.Kecamatan, plain.Areas, err)
	}
}

func TestKecamatanInText(t *testing.T) {
	set, _ := Load("")
	c := set.Catalog()
	for text, want := range map[string]string{
		"Jl. Raya Candi 5":                    "candi",
		"Perum Taman Pinang, Sidoarjo":        "",
		"depan pasar Krian":                   "krian",
		"Jl. Brigjen Katamso 12, Waru":        "waru",
		"Jalan Mawar":                         "",
		"Desa Tanggulangin Kec. Tanggulangin": "tanggulangin",
	} {
		if got := c.kecamatanInText(text); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}
