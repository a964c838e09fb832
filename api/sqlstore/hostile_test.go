package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/flows"
)

// hostile are inputs that break string-built SQL, LIKE patterns or
// PostgreSQL's text type.
var hostile = []struct{ name, v string }{
	{"injection", `'; drop table reports; --`},
	{"quote", `O'Brien "x"`},
	{"percent", `%`},
	{"underscore", `_`},
	{"backslash", `\`},
	{"escape and wildcard", `\%_\\`},
	{"placeholder", `$1 ?1 :a @b`},
	{"nul", "a\x00b"},
	{"invalid utf-8", "bad \xff\xfe\xc3 bytes"},
	{"emoji and javanese", "ꦲꦗꦮ 🙂 ñ"},
	{"10 kB", strings.Repeat("lubang ", 1463)},
}

// stored is what the store keeps of v: no NUL, each invalid byte U+FFFD.
func stored(v string) string {
	return strings.Map(func(r rune) rune {
		if r == 0 {
			return -1
		}
		return r
	}, v)
}

func TestHostileInputStoredAndReadBack(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		for i, h := range hostile {
			number := fmt.Sprintf("SDA-H%05d%s", i, h.v)
			r := report(number, func(r *api.Report) {
				r.Category, r.Agency, r.Title, r.Description = h.v, h.v, "judul "+h.v, h.v
				r.IncidentDate, r.Location.Address, r.Location.Kecamatan = h.v, h.v, h.v
				r.Contact = api.Contact{Name: h.v, Phone: h.v}
				r.Source, r.Channel, r.ChatID, r.Lang = h.v, h.v, h.v, h.v
				r.Identity = api.Identity(h.v)
				r.ServiceRequestID, r.ExternalStatus, r.ExternalNotes = "ext-"+h.v, h.v, h.v
				r.RatingComment, r.StatusNote = h.v, h.v
				r.Photos = []flows.Photo{{Ref: h.v, ContentType: h.v}}
				r.Timeline[0].Text, r.Timeline[0].Actor = h.v, h.v
			})
			_, err := s.Create(ctx, r, []api.Effect{{ID: "fx-" + h.v, Kind: h.v, Payload: []byte(h.v)}})
			if err != nil {
				t.Fatalf("%s: create: %v", h.name, err)
			}
			_, err = s.Update(ctx, number, func(r *api.Report) ([]api.Effect, error) {
				r.StatusNote = "note " + h.v
				r.Timeline = append(r.Timeline, api.Event{ID: "ev-" + h.v, Kind: api.EventAddition, Actor: h.v, At: t0, Text: "tambahan " + h.v, Agency: h.v, From: api.Status(h.v)})
				return []api.Effect{{ID: "fx2-" + h.v, Kind: h.v}}, nil
			})
			if err != nil {
				t.Fatalf("%s: update: %v", h.name, err)
			}
			got, err := s.Get(ctx, number)
			if err != nil {
				t.Fatalf("%s: get: %v", h.name, err)
			}
			w := stored(h.v)
			checks := map[string][2]string{
				"number":      {got.Number, stored(number)},
				"category":    {got.Category, w},
				"title":       {got.Title, "judul " + w},
				"description": {got.Description, w},
				"address":     {got.Location.Address, w},
				"kecamatan":   {got.Location.Kecamatan, w},
				"name":        {got.Contact.Name, w},
				"chat":        {got.ChatID, w},
				"identity":    {string(got.Identity), string(api.IdentityRahasia)},
				"note":        {got.StatusNote, "note " + w},
				"photo":       {got.Photos[0].Ref, w},
				"event text":  {got.Timeline[0].Text, w},
				"added text":  {got.Timeline[1].Text, "tambahan " + w},
				"added id":    {got.Timeline[1].ID, "ev-" + w},
			}
			for field, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s: %s read back as %.60q, want %.60q", h.name, field, c[0], c[1])
				}
			}
			byExt, err := s.GetByExternalID(ctx, "ext-"+h.v)
			if err != nil || byExt.Number != got.Number {
				t.Errorf("%s: GetByExternalID: %v", h.name, err)
			}
		}
		// Every filter and search with every hostile value: no error, and the
		// value finds its report.
		for i, h := range hostile {
			for _, f := range []api.Filter{
				{Category: h.v}, {Agency: h.v}, {Kecamatan: h.v}, {Channel: h.v},
				{Query: h.v}, {Number: fmt.Sprintf("SDA-H%05d%s", i, h.v)}, {Phone: h.v},
				{Category: h.v, Agency: h.v, Kecamatan: h.v, Channel: h.v, Query: "tambahan " + h.v},
			} {
				nf, err := f.Normalize()
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.List(ctx, nf)
				if err != nil {
					t.Errorf("%s: list %+v: %v", h.name, f, err)
					continue
				}
				if res.Total < 1 {
					t.Errorf("%s: list by %.80q found nothing", h.name, fmt.Sprintf("%+v", f))
				}
				if err := s.Export(ctx, nf, func(*api.Report) error { return nil }); err != nil {
					t.Errorf("%s: export: %v", h.name, err)
				}
			}
			if _, err := s.Public(ctx, api.PublicQuery{ServiceCode: h.v, IDs: nil}); err != nil {
				t.Errorf("%s: public: %v", h.name, err)
			}
			if _, err := s.Public(ctx, api.PublicQuery{IDs: []string{h.v, "ext-" + h.v}}); err != nil {
				t.Errorf("%s: public ids: %v", h.name, err)
			}
			if _, err := s.Stats(ctx, api.StatsQuery{Agency: h.v, RespondBefore: t0, VerifyBefore: t0}); err != nil {
				t.Errorf("%s: stats: %v", h.name, err)
			}
			if _, err := s.ByChat(ctx, h.v, h.v, 10); err != nil {
				t.Errorf("%s: by chat: %v", h.name, err)
			}
			if _, err := s.OpenExternal(ctx, h.v, 10); err != nil {
				t.Errorf("%s: open external: %v", h.name, err)
			}
			d := api.DeadLetter{Kind: h.v, Stream: h.v, Entry: h.v, Number: fmt.Sprintf("SDA-H%05d%s", i, h.v), Error: h.v,
				Target: h.v, Payload: map[string]string{h.v: h.v}, FirstAt: t0, LastAt: t0}
			if err := s.AddDeadLetter(ctx, d); err != nil {
				t.Errorf("%s: add dead letter: %v", h.name, err)
			}
			page, err := s.DeadLetters(ctx, api.DeadLetterQuery{Kind: h.v, Agency: h.v})
			if err != nil || page.Total != 1 || page.Items[0].Payload[stored(h.v)] != stored(h.v) {
				t.Errorf("%s: dead letters: %+v %v", h.name, page, err)
			}
		}
		// The tables are intact: every report is there.
		res, err := s.List(ctx, api.Filter{Page: 1, Size: 100, From: t0.Add(-time.Hour)})
		if err != nil || res.Total != len(hostile) {
			t.Fatalf("after hostile input: %d reports, %v", res.Total, err)
		}
		if n := outboxLen(t, s); n != 2*len(hostile) {
			t.Errorf("outbox has %d rows, want %d", n, 2*len(hostile))
		}
	})
}
