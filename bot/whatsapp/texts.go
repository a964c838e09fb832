package whatsapp

import (
	"strings"

	"github.com/aduan-id/aduan/flows"
)

// Texts renders the adapter's own messages (flows/defaults/whatsapp.yaml).
// The flows engine's *flows.Set implements it.
type Texts interface {
	Message(lang, key string, vars map[string]string) string
}

// Keys of the adapter's messages.
const (
	MsgChoiceHint  = "whatsapp_choice_hint"
	MsgAskLocation = "whatsapp_ask_location"
	MsgAskContact  = "whatsapp_ask_contact"
	MsgAskPhoto    = "whatsapp_ask_photo"
)

// MessageKeys lists every message key the adapter uses, for a start-up check.
func MessageKeys() []string {
	return []string{MsgChoiceHint, MsgAskLocation, MsgAskContact, MsgAskPhoto}
}

// fallbackTexts are used only when Texts is nil or lacks a key (it then
// returns the key itself): a citizen never sees a key name.
var fallbackTexts = map[string][2]string{ // key -> {id, en}
	MsgChoiceHint:  {"Balas dengan angka atau kata pilihan.", "Reply with the number or the word."},
	MsgAskLocation: {"Untuk mengirim lokasi: ketuk 📎 (lampiran) → Lokasi. Atau ketik alamatnya.", "To send a location: tap 📎 (attach) → Location. Or type the address."},
	MsgAskContact:  {"Untuk membagikan nomor: ketuk 📎 (lampiran) → Kontak. Atau ketik nomornya.", "To share a number: tap 📎 (attach) → Contact. Or type the number."},
	MsgAskPhoto:    {"Untuk mengirim foto: ketuk 📎 (lampiran) → Galeri atau Kamera.", "To send a photo: tap 📎 (attach) → Gallery or Camera."},
}

func (a *Adapter) text(lang, key string) string {
	if a.texts != nil {
		if s := a.texts.Message(lang, key, nil); s != "" && s != key {
			return s
		}
	}
	f := fallbackTexts[key]
	if strings.HasPrefix(lang, flows.LangEN) {
		return f[1]
	}
	return f[0]
}
