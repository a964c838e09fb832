package sqlstoretest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
)

// Services are the default categories (flows/defaults/services.yaml) and
// their agencies.
var Services = []struct{ Code, Agency, Topic string }{
	{"jalan", "DPUBMSDA", "jalan berlubang"},
	{"banjir", "DPUBMSDA", "saluran air tersumbat"},
	{"sampah", "DLHK", "sampah tidak diangkut"},
	{"pju", "DPRKPCKTR", "lampu jalan mati"},
	{"kesehatan", "DINKES", "antrean puskesmas"},
	{"pendidikan", "DISDIKBUD", "atap sekolah bocor"},
	{"adminduk", "DISPENDUKCAPIL", "KTP-el belum jadi"},
	{"perizinan", "DPMPTSP", "izin usaha lambat"},
	{"ketertiban", "SATPOLPP", "PKL menutup trotoar"},
	{"lainnya", "KOMINFO", "informasi layanan"},
}

// Kecamatan are Sidoarjo's 18 sub-districts.
var Kecamatan = []string{
	"Balongbendo", "Buduran", "Candi", "Gedangan", "Jabon", "Krembung", "Krian",
	"Porong", "Prambon", "Sedati", "Sidoarjo", "Sukodono", "Taman", "Tanggulangin",
	"Tarik", "Tulangan", "Waru", "Wonoayu",
}

var (
	streets = []string{"Jl. Raya", "Jl. Pahlawan", "Jl. Diponegoro", "Jl. Gajah Mada", "Jl. Kartini", "Gang Melati"}
	names   = []string{"Budi Santoso", "Siti Aminah", "Agus Salim", "Dewi Lestari", "Rudi Hartono", "Sri Wahyuni", ""}
	details = []string{
		"sudah lebih dari seminggu", "membahayakan pengendara motor", "warga sudah lapor ke RT",
		"terjadi setiap hujan deras", "mohon segera ditindaklanjuti", "anak-anak sekolah terganggu",
	}
	replies = []string{
		"Terima kasih, laporan sudah kami teruskan ke petugas lapangan.",
		"Petugas akan meninjau lokasi minggu ini.",
		"Mohon kirim foto tambahan dan patokan lokasi.",
		"Perbaikan sudah dijadwalkan.",
	}
	additions = []string{
		"Tambahan: lubangnya makin besar setelah hujan.",
		"Lokasinya dekat masjid, depan warung kopi.",
		"Sampai sekarang belum ada petugas datang.",
	}
)

// statusWeights is how the seeded reports spread over the statuses.
var statusWeights = []struct {
	s api.Status
	w int
}{
	{api.StatusReceived, 15}, {api.StatusVerified, 10}, {api.StatusInProgress, 20},
	{api.StatusResolved, 35}, {api.StatusRejected, 8}, {api.StatusNotOurAuthority, 7},
	{api.StatusArchived, 5},
}

// SeedSpan is how far back seeded reports go from the start of today (UTC).
const SeedSpan = 365 * 24 * time.Hour

// Seed inserts n realistic reports, the same ones for the same seed: the 10
// default categories, Sidoarjo's 18 kecamatan, all 7 statuses, 10 % rahasia,
// created over the year before today, some with replies, first responses,
// additions and ratings, a few filed with an external server. Numbers are
// SDA-XXXXXX, unique within one call. It uses Store.Import: one transaction,
// COPY on PostgreSQL.
func Seed(ctx context.Context, s *sqlstore.Store, n int, seed int64) error {
	g := &seeder{
		rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed)),
		end: time.Now().UTC().Truncate(24 * time.Hour),
	}
	g.numbers = numberer(g.rng.Uint64())
	got, err := s.Import(ctx, func(yield func(*api.Report) bool) {
		for i := range n {
			if !yield(g.report(i)) {
				return
			}
		}
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if got != n {
		return fmt.Errorf("seed: imported %d of %d reports", got, n)
	}
	return nil
}

type seeder struct {
	rng     *rand.Rand
	end     time.Time
	numbers func(i int) string
}

// numberer maps 0, 1, 2, ... to distinct SDA-XXXXXX numbers: an affine map
// modulo 36^6 with a multiplier prime to 36 is a bijection.
func numberer(offset uint64) func(i int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const m = 36 * 36 * 36 * 36 * 36 * 36
	return func(i int) string {
		v := (uint64(i)*1_000_003 + offset) % m
		var b [6]byte
		for k := 5; k >= 0; k-- {
			b[k] = alphabet[v%36]
			v /= 36
		}
		return "SDA-" + string(b[:])
	}
}

func (g *seeder) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *seeder) chance(p float64) bool { return g.rng.Float64() < p }

func (g *seeder) status() api.Status {
	w := g.rng.IntN(100)
	for _, sw := range statusWeights {
		if w < sw.w {
			return sw.s
		}
		w -= sw.w
	}
	return api.StatusReceived
}

func (g *seeder) report(i int) *api.Report {
	svc := Services[g.rng.IntN(len(Services))]
	kec := g.pick(Kecamatan)
	created := g.end.Add(-time.Duration(g.rng.Int64N(int64(SeedSpan)))).Truncate(time.Second)
	r := &api.Report{
		Number:      g.numbers(i),
		Category:    svc.Code,
		Agency:      svc.Agency,
		Title:       fmt.Sprintf("%s di %s", strings.ToUpper(svc.Topic[:1])+svc.Topic[1:], kec),
		Description: fmt.Sprintf("Ada %s di %s %s no. %d, %s, %s.", svc.Topic, g.pick(streets), kec, 1+g.rng.IntN(200), kec, g.pick(details)),
		Location:    api.Location{Address: fmt.Sprintf("%s %s", g.pick(streets), kec), Kecamatan: kec},
		Identity:    api.IdentityPublic,
		Source:      "chat",
		Lang:        "id",
		Status:      g.status(),
		CreatedAt:   created,
	}
	if g.chance(0.05) {
		r.Location.Kecamatan = ""
	}
	if g.chance(0.4) {
		r.Location.Lat, r.Location.Lon = -7.45+g.rng.Float64()*0.2, 112.6+g.rng.Float64()*0.2
	}
	switch x := g.rng.IntN(100); {
	case x < 10:
		r.Identity = api.IdentityRahasia
	case x < 30:
		r.Identity = api.IdentityAnonim
	}
	switch x := g.rng.IntN(100); {
	case x < 50:
		r.Channel, r.ChatID = "telegram", fmt.Sprint(100000000+g.rng.IntN(900000000))
	case x < 92:
		r.Channel, r.ChatID = "whatsapp", fmt.Sprintf("628%d", 1000000000+g.rng.IntN(900000000))
	default:
		r.Source = "api"
	}
	if g.chance(0.1) {
		r.Lang = "en"
	}
	if g.chance(0.6) {
		r.Contact = api.Contact{Name: g.pick(names), Phone: fmt.Sprintf("+628%d", 1000000000+g.rng.IntN(900000000))}
	}
	g.timeline(r)
	return r
}

// timeline gives r the history its status implies.
func (g *seeder) timeline(r *api.Report) {
	at := r.CreatedAt
	next := func() time.Time {
		at = at.Add(time.Duration(1+g.rng.IntN(72*60)) * time.Minute)
		return at
	}
	ev := func(kind api.EventKind, actor, text string) *api.Event {
		r.Timeline = append(r.Timeline, api.Event{
			ID: fmt.Sprintf("%s-%d", r.Number, len(r.Timeline)), Kind: kind, Actor: actor, At: next(), Text: text,
		})
		return &r.Timeline[len(r.Timeline)-1]
	}
	r.Timeline = append(r.Timeline, api.Event{ID: r.Number + "-0", Kind: api.EventCreated, Actor: api.ActorCitizen, At: r.CreatedAt})
	if g.chance(0.9) {
		e := ev(api.EventForwarded, api.ActorForwarder, "")
		e.Agency = r.Agency
		r.ForwardedAt = e.At
		r.ServiceRequestID = r.Number
		if g.chance(0.05) {
			r.External = true
			r.ServiceRequestID = "EXT-" + r.Number[4:]
		}
	}
	if g.chance(0.15) {
		ev(api.EventAddition, api.ActorCitizen, g.pick(additions))
		r.WaitingSince = at
	}
	if r.Status == api.StatusReceived {
		return
	}
	from := api.StatusReceived
	for _, to := range statusPath(r.Status) {
		e := ev(api.EventStatus, "admin", "")
		e.From, e.Status = from, to
		from = to
	}
	if g.chance(0.5) {
		ev(api.EventReply, "admin", g.pick(replies))
		r.FirstResponseAt = at
		r.WaitingSince = time.Time{}
		if g.chance(0.2) {
			ev(api.EventAnswer, api.ActorCitizen, g.pick(additions))
			r.WaitingSince = at
		}
	}
	if !r.Status.Open() {
		r.WaitingSince = time.Time{}
		r.StatusNote = "Selesai ditangani."
		if r.FirstResponseAt.IsZero() {
			r.FirstResponseAt = at
		}
		if r.Status == api.StatusResolved && g.chance(0.3) {
			r.Rating = 1 + g.rng.IntN(5)
			e := ev(api.EventRating, api.ActorCitizen, "")
			e.Rating = r.Rating
		}
	}
	r.UpdatedAt = at
}

// statusPath is the status changes that lead from received to s.
func statusPath(s api.Status) []api.Status {
	switch s {
	case api.StatusVerified:
		return []api.Status{s}
	case api.StatusInProgress:
		return []api.Status{api.StatusVerified, s}
	case api.StatusResolved:
		return []api.Status{api.StatusVerified, api.StatusInProgress, s}
	}
	return []api.Status{api.StatusVerified, s}
}
