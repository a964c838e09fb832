package telegram

// Texts gives the citizen-facing texts in a language (the flows' message set
// satisfies it). Placeholders in a text are written {name}.
type Texts interface {
	Message(lang, key string, vars map[string]string) string
}

// Keys of the adapter's own texts, defined in flows/defaults/telegram.yaml.
const (
	keyStale          = "telegram_stale_button"
	keyButtonLocation = "telegram_button_location"
	keyButtonContact  = "telegram_button_contact"
)

// commands of the bot's menu: the command in Indonesian and English, and the
// key of its description.
var commands = []struct{ id, en, key string }{
	{"start", "start", "telegram_cmd_start"},
	{"lapor", "report", "telegram_cmd_report"},
	{"status", "status", "telegram_cmd_status"},
	{"laporanku", "myreports", "telegram_cmd_myreports"},
	{"batal", "cancel", "telegram_cmd_cancel"},
	{"bantuan", "help", "telegram_cmd_help"},
	{"bahasa", "language", "telegram_cmd_language"},
}

// fallbackTexts are used when the texts lack a key (a broken override file):
// a citizen must never see a bare key.
var fallbackTexts = map[string]string{
	keyStale:          "Pertanyaan itu sudah lewat. / That question has passed.",
	keyButtonLocation: "📍 Lokasi / Location",
	keyButtonContact:  "📱 Kontak / Contact",
}

// text returns the text of key in lang, or a fallback.
func (a *Adapter) text(lang, key string, vars map[string]string) string {
	if a.texts != nil {
		if s := a.texts.Message(lang, key, vars); s != "" && s != key {
			return s
		}
	}
	if s, ok := fallbackTexts[key]; ok {
		return s
	}
	return key
}
