package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

// Migration 00003's columns round-trip through create, update and every
// read: the Open311 filer's e-mail and account id, the filing key's hash,
// the published photos (sorted, without repeats, NULL when none).
func TestOpen311FilerAndPublishedPhotos(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		create(t, s,
			report("SDA-F00001", func(r *api.Report) {
				r.Contact.Email, r.Contact.AccountID, r.Filer = "budi@example.org", "acct-77", "f1"
				r.PublishedPhotos = []int{2, 0, 2}
			}),
			report("SDA-F00002"),
		)
		r := get(t, s, "SDA-F00001")
		if r.Contact.Email != "budi@example.org" || r.Contact.AccountID != "acct-77" || r.Filer != "f1" ||
			!slices.Equal(r.PublishedPhotos, []int{0, 2}) {
			t.Fatalf("read back %+v filer %q published %v", r.Contact, r.Filer, r.PublishedPhotos)
		}
		if r := get(t, s, "SDA-F00002"); r.PublishedPhotos != nil || r.Filer != "" || r.Contact.Email != "" {
			t.Fatalf("defaults: %+v %q %v", r.Contact, r.Filer, r.PublishedPhotos)
		}
		_, err := s.Update(ctx, "SDA-F00001", func(r *api.Report) ([]api.Effect, error) {
			r.PublishedPhotos = nil
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := get(t, s, "SDA-F00001"); r.PublishedPhotos != nil || r.Filer != "f1" {
			t.Fatalf("after unpublishing: %v, filer %q", r.PublishedPhotos, r.Filer)
		}
	})
}

// Public: a comma list of service codes, and ids that the filer's own
// rahasia reports answer to (only with ids, only for that filer).
func TestPublicServiceCodesAndFiler(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		at := func(h int) func(r *api.Report) {
			return func(r *api.Report) { r.CreatedAt = t0.Add(time.Duration(h) * time.Hour) }
		}
		code := func(c string) func(r *api.Report) { return func(r *api.Report) { r.Category = c } }
		secret := func(filer string) func(r *api.Report) {
			return func(r *api.Report) { r.Identity, r.Filer = api.IdentityRahasia, filer }
		}
		create(t, s,
			report("SDA-C00001", at(0), code("jalan")),
			report("SDA-C00002", at(1), code("sampah")),
			report("SDA-C00003", at(2), code("banjir")),
			report("SDA-C00004", at(3), code("jalan"), secret("mine")),
			report("SDA-C00005", at(4), code("jalan"), secret("theirs")),
		)
		cases := []struct {
			name string
			q    api.PublicQuery
			want []string
		}{
			{"two codes", api.PublicQuery{ServiceCodes: []string{"jalan", "sampah"}}, []string{"SDA-C00002", "SDA-C00001"}},
			{"code and codes", api.PublicQuery{ServiceCode: "banjir", ServiceCodes: []string{"jalan", "jalan"}}, []string{"SDA-C00003", "SDA-C00001"}},
			{"unknown code", api.PublicQuery{ServiceCodes: []string{"nope"}}, nil},
			{"ids without filer", api.PublicQuery{IDs: []string{"SDA-C00004", "SDA-C00001"}}, []string{"SDA-C00001"}},
			{"ids with filer", api.PublicQuery{IDs: []string{"SDA-C00004", "SDA-C00005", "SDA-C00001"}, Filer: "mine"},
				[]string{"SDA-C00004", "SDA-C00001"}},
			{"list ignores filer", api.PublicQuery{Filer: "mine"}, []string{"SDA-C00003", "SDA-C00002", "SDA-C00001"}},
		}
		for _, c := range cases {
			got, err := s.Public(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n := numbers(got); !slices.Equal(n, c.want) && !(len(n) == 0 && len(c.want) == 0) {
				t.Errorf("%s: %v, want %v", c.name, n, c.want)
			}
		}
	})
}
