package api

// Status is where a report stands in its handling.
//
//	received -> verified -> in_progress -> resolved
//	                    \-> rejected | not_our_authority | archived
//
// Open311 knows only "open" and "closed"; Open311Status maps onto them.
type Status string

// The statuses of a report.
const (
	StatusReceived        Status = "received"
	StatusVerified        Status = "verified"
	StatusInProgress      Status = "in_progress"
	StatusResolved        Status = "resolved"
	StatusRejected        Status = "rejected"
	StatusNotOurAuthority Status = "not_our_authority"
	StatusArchived        Status = "archived"
)

// Statuses lists every status in display order.
var Statuses = []Status{
	StatusReceived, StatusVerified, StatusInProgress, StatusResolved,
	StatusRejected, StatusNotOurAuthority, StatusArchived,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether the report still awaits handling.
func (s Status) Open() bool {
	switch s {
	case StatusReceived, StatusVerified, StatusInProgress:
		return true
	}
	return false
}

// Open311Status is the GeoReport v2 status: "open" or "closed".
func (s Status) Open311Status() string {
	if s.Open() {
		return "open"
	}
	return "closed"
}

// LaporStatus is the disposition word a LAPOR!-style back office uses.
func (s Status) LaporStatus() string {
	switch s {
	case StatusReceived:
		return "Belum Terverifikasi"
	case StatusVerified:
		return "Terverifikasi"
	case StatusInProgress:
		return "Proses"
	case StatusResolved:
		return "Selesai"
	case StatusRejected:
		return "Ditolak"
	case StatusNotOurAuthority:
		return "Bukan Kewenangan"
	case StatusArchived:
		return "Arsip"
	}
	return ""
}

// ParseStatus accepts our vocabulary or a LAPOR! disposition word
// (case-insensitive). ok is false for anything else.
func ParseStatus(v string) (Status, bool) {
	s := Status(lower(v))
	if s.Valid() {
		return s, true
	}
	for _, st := range Statuses {
		if lower(st.LaporStatus()) == lower(v) {
			return st, true
		}
	}
	return "", false
}
