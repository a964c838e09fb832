package alerts

// texts are what admins read in an alert: {Indonesian, English}. Every
// message carries both, Indonesian first (the console's default language).
var texts = map[string][2]string{
	"subject":          {"Aduan: %d peringatan baru", "%d new alerts"},
	"title":            {"🔔 Aduan: %d peringatan baru", "%d new alerts"},
	"more":             {"… dan %d lainnya", "… and %d more"},
	"console":          {"Buka konsol", "Open the console"},
	"kind.not_filed":   {"Laporan tidak terkirim ke instansi", "Report not filed"},
	"kind.dead_letter": {"Gagal terkirim", "Dead letter"},
	"kind.sla":         {"Lewat batas waktu verifikasi", "Past its SLA"},
	"kind.new_report":  {"Laporan baru", "New report"},
	"queue.reply":      {"pesan ke warga", "message to a citizen"},
	"queue.action":     {"tindakan bot", "bot action"},
	"queue.forward":    {"penerusan ke instansi", "forward to the agency"},
	"queue.webhook":    {"webhook keluar", "outbound webhook"},
}

// both is a text in both languages: "Indonesian / English".
func both(key string) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	if t[0] == t[1] {
		return t[0]
	}
	return t[0] + " / " + t[1]
}
