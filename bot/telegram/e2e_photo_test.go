package telegram_test

import (
	"strings"
	"testing"

	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// TestEndToEndPhotoRefused: a photo the adapter cannot take is re-asked by
// the engine, and the re-ask travels like every reply: committed, then
// delivered by the reply sender (retried when Telegram is briefly down), once
// however often the update comes, right before the question asked again.
func TestEndToEndPhotoRefused(t *testing.T) {
	notAnImage := []byte("%PDF-1.4 this is not a photo")
	tests := []struct {
		name    string
		update  func(c *citizen) []byte
		prepare func(tg *telegramtest.Server)
		refusal string // start of the re-ask (flows/defaults/messages.yaml)
	}{
		{name: "image document over the size limit",
			update:  func(c *citizen) []byte { return c.u.Document("", "DOC-BIG", "image/jpeg", 11<<20) },
			refusal: "Maaf, foto itu terlalu besar."},
		{name: "Telegram: file is too big",
			update: func(c *citizen) []byte { return c.u.Photo("", "PHOTO-HUGE") },
			prepare: func(tg *telegramtest.Server) {
				tg.Fail("getFile", "", telegramtest.Failure{Code: 400, Description: "Bad Request: file is too big"}, 1)
			},
			refusal: "Maaf, foto itu terlalu besar."},
		{name: "not an image",
			update:  func(c *citizen) []byte { return c.u.Photo("", "NOT-IMAGE") },
			prepare: func(tg *telegramtest.Server) { tg.AddFile("NOT-IMAGE", "photos/file_9.jpg", notAnImage) },
			refusal: "Maaf, file itu bukan foto yang bisa kami pakai."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorldWith(t, worldOptions{sender: true})
			c := w.citizen(700, 1)
			question := c.toPhotos()
			if tt.prepare != nil {
				tt.prepare(w.tg)
			}
			before := len(w.tg.Texts(c.chat))
			// Telegram is down for the first send of the refusal.
			w.tg.Fail("sendMessage", c.chat, telegramtest.Internal, 1)
			raw := tt.update(c)
			w.deliver(c.id, raw)
			w.deliver(c.id, raw) // redelivered: a duplicate

			texts := w.tg.Texts(c.chat)[before:]
			// One message (the engine's one-per-turn rule): the refusal, then
			// the photos question again.
			if len(texts) != 1 || !strings.HasPrefix(texts[0], tt.refusal) || !strings.HasSuffix(texts[0], "\n\n"+question.Text) {
				t.Fatalf("after the refused photo the citizen read %q, want the refusal %q then the photos question again", texts, tt.refusal)
			}
			if q := c.last(); !strings.Contains(q.Markup, "complaint/photos|") {
				t.Errorf("the question asked again has no photos keyboard: %s", q.Markup)
			}
			if s := w.a.Stats(); s.MediaRefused != 2 || s.Duplicates != 1 || s.Failed != 0 {
				t.Errorf("adapter stats %+v", s)
			}

			// A good photo afterwards is taken.
			w.deliver(c.id, c.u.Photo("", "PHOTO-S", "PHOTO-L"))
			if last := c.last().Text; !strings.HasPrefix(last, "Foto 1 dari 3 diterima") {
				t.Errorf("after a good photo the bot said %q", last)
			}
		})
	}
}
