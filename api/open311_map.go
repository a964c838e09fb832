package api

import (
	"time"

	"github.com/aduan-id/aduan/api/open311"
)

// open311Request is the public Open311 view of a report: no name, no
// contact, no chat id, no internal notes; admins' replies as a thread.
func (s *Service) open311Request(r *Report, lang string) open311.Request {
	q := open311.Request{
		ServiceRequestID:  r.Number,
		Status:            r.Status.Open311Status(),
		StatusNotes:       r.LastStatusNote(),
		ServiceName:       s.serviceName(lang, r.Category),
		ServiceCode:       r.Category,
		Description:       r.Description,
		AgencyResponsible: s.agencyName(r.Agency),
		RequestedDatetime: r.CreatedAt.Format(time.RFC3339),
		UpdatedDatetime:   r.UpdatedAt.Format(time.RFC3339),
		Address:           r.Location.Address,
		Title:             r.Title,
		StatusDetail:      string(r.Status),
		LaporStatus:       r.Status.LaporStatus(),
		Identity:          string(ParseIdentity(string(r.Identity))),
		Channel:           r.Channel,
		Kecamatan:         r.Location.Kecamatan,
	}
	if r.Location.HasPoint() {
		lat, lon := r.Location.Lat, r.Location.Lon
		q.Lat, q.Long = &lat, &lon
	}
	for _, e := range r.PublicReplies() {
		q.Replies = append(q.Replies, open311.Reply{Text: e.Text, At: e.At.Format(time.RFC3339)})
	}
	return q
}

func (s *Service) open311Services(lang string) []open311.Service {
	out := make([]open311.Service, 0, len(s.catalog.Services))
	for _, sv := range s.catalog.Services {
		out = append(out, open311.Service{
			ServiceCode: sv.Code, ServiceName: sv.Name.In(lang), Description: sv.Description.In(lang),
			Metadata: true, Type: "realtime", Keywords: sv.Group, Group: sv.Group,
		})
	}
	return out
}

// identityAttribute is the one attribute every service takes: how visible
// the reporter is.
func identityAttribute(lang string) open311.Attribute {
	desc := "Identitas pelapor: public (nama terlihat), anonim (nama disembunyikan), rahasia (laporan tidak publik)"
	if lang == "en" {
		desc = "Reporter identity: public (name shown), anonim (name hidden), rahasia (report not public)"
	}
	return open311.Attribute{
		Variable: true, Code: "identity", Datatype: "singlevaluelist", Required: false,
		DatatypeDescription: "public | anonim | rahasia; anything else is treated as rahasia",
		Order:               1, Description: desc,
		Values: []open311.AttributeValue{
			{Key: string(IdentityPublic), Name: "Public"},
			{Key: string(IdentityAnonim), Name: "Anonim"},
			{Key: string(IdentityRahasia), Name: "Rahasia"},
		},
	}
}
