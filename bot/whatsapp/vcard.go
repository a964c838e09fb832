package whatsapp

import "strings"

type vcard struct {
	name  string
	phone string
	waid  string // the WhatsApp number of the card, digits only
}

// parseVCard reads the formatted name and the first telephone number of a
// vCard as WhatsApp sends it, e.g.
//
//	TEL;type=CELL;type=VOICE;waid=6281234567890:+62 812-3456-7890
//
// Folded lines and other properties are ignored; the phone keeps its digits
// and a leading '+'.
func parseVCard(s string) vcard {
	var c vcard
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		params := strings.Split(key, ";")
		name := strings.ToUpper(params[0])
		if i := strings.LastIndexByte(name, '.'); i >= 0 { // "item1.TEL"
			name = name[i+1:]
		}
		switch name {
		case "FN":
			if c.name == "" {
				c.name = strings.TrimSpace(val)
			}
		case "TEL":
			if c.phone != "" {
				continue
			}
			c.phone = cleanPhone(val)
			for _, p := range params[1:] {
				if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "waid") {
					c.waid = v
				}
			}
			if c.phone == "" && c.waid != "" {
				c.phone = "+" + c.waid
			}
		}
	}
	return c
}

// cleanPhone keeps the digits of a phone number and a leading '+'.
func cleanPhone(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range s {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	if b.String() == "+" {
		return ""
	}
	return b.String()
}
