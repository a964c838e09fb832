package whatsapp

import (
	"strconv"
	"strings"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// render turns an outbound message into WhatsApp text: choices become a
// numbered menu followed by a hint ("reply with the number or the word"; the
// engine matches "1", "satu" and the label), and a question for a location,
// contact or photo gets a line on how to send one from WhatsApp.
func (a *Adapter) render(msg bot.Outbound) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(msg.Text, "\n"))
	if len(msg.Choices) > 0 {
		b.WriteString("\n")
		for i, c := range msg.Choices {
			b.WriteString("\n")
			b.WriteString(strconv.Itoa(i + 1))
			b.WriteString(". ")
			b.WriteString(c.Label)
		}
		b.WriteString("\n\n")
		b.WriteString(a.text(msg.Lang, MsgChoiceHint))
	}
	var hint string
	switch msg.Ask {
	case flows.AskLocation:
		hint = MsgAskLocation
	case flows.AskContact:
		hint = MsgAskContact
	case flows.AskPhoto:
		hint = MsgAskPhoto
	}
	if hint != "" {
		b.WriteString("\n\n")
		b.WriteString(a.text(msg.Lang, hint))
	}
	return strings.TrimLeft(b.String(), "\n")
}
