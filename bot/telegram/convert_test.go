package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

func TestConvertTestdata(t *testing.T) {
	const chat, user = "501234567", "501234567"
	base := func(id string) bot.Inbound {
		return bot.Inbound{Channel: bot.ChannelTelegram, ChatID: chat, UserID: user, MessageID: id, Lang: "id"}
	}
	with := func(in bot.Inbound, f func(*bot.Inbound)) bot.Inbound { f(&in); return in }
	tests := []struct {
		file     string
		want     bot.Inbound
		ignore   string
		photo    string // file id to download
		callback *callbackInfo
	}{
		{file: "text.json", want: with(base("u730001001"), func(in *bot.Inbound) { in.Text = "Jalan di depan SDN Waru 2 berlubang besar 🕳️, sudah 3 bulan" })},
		{file: "start_payload.json", want: with(base("u730001002"), func(in *bot.Inbound) { in.Text = "/start SDA-7KQ2MX" })},
		{file: "start_botname.json", want: with(base("u730001003"), func(in *bot.Inbound) { in.Text = "/start SDA-7KQ2MX"; in.Lang = "en" })},
		{file: "callback.json", want: with(base("u730001004"), func(in *bot.Inbound) { in.Choice = "category|jalan" }),
			callback: &callbackInfo{queryID: "2152563716543219876", chatID: 501234567, messageID: 77, text: "Pilih kategori laporan:"}},
		{file: "callback_old_message.json", want: with(base("u730001020"), func(in *bot.Inbound) { in.Choice = "identity|anonim" }),
			callback: &callbackInfo{queryID: "2152563716543219999", chatID: 501234567}},
		{file: "location.json", want: with(base("u730001005"), func(in *bot.Inbound) { in.Location = &flows.Location{Lat: -7.447321, Lon: 112.718208} })},
		{file: "venue.json", want: with(base("u730001006"), func(in *bot.Inbound) {
			in.Location = &flows.Location{Lat: -7.4478, Lon: 112.7183, Address: "Alun-Alun Sidoarjo, Jl. Sultan Agung, Sidoarjo"}
		})},
		{file: "contact.json", want: with(base("u730001007"), func(in *bot.Inbound) {
			in.Contact = &flows.Contact{Name: "Siti Rahayu", Phone: "6281234567890", Own: true}
		})},
		{file: "contact_other.json", want: with(base("u730001008"), func(in *bot.Inbound) {
			in.Contact = &flows.Contact{Name: "Pak RT", Phone: "+62 812-9999-0000"}
		})},
		{file: "photo.json", want: with(base("u730001009"), func(in *bot.Inbound) { in.Text = "Lubangnya di sini" }), photo: "AgACAgUAAxkBAAIBsmF_large"},
		{file: "album_photo.json", want: base("u730001010"), photo: "AgACAlbum2_large"},
		{file: "document_image.json", want: base("u730001011"), photo: "BQACAgUAAxkBAAIBdoc_jpg"},
		{file: "document_pdf.json", want: with(base("u730001012"), func(in *bot.Inbound) { in.Unsupported = "document" })},
		{file: "sticker.json", want: with(base("u730001013"), func(in *bot.Inbound) { in.Unsupported = "sticker" })},
		{file: "voice.json", want: with(base("u730001014"), func(in *bot.Inbound) { in.Unsupported = "voice" })},
		{file: "animation.json", want: with(base("u730001015"), func(in *bot.Inbound) { in.Unsupported = "animation" })},
		{file: "poll.json", want: with(base("u730001019"), func(in *bot.Inbound) { in.Unsupported = "poll" })},
		{file: "edited_message.json", ignore: ignoreEdited},
		{file: "my_chat_member_kicked.json", ignore: ignoreMember},
		{file: "group_message.json", ignore: ignoreGroup},
		{file: "service_pinned.json", ignore: ignoreService},
	}
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) != len(tests) {
		t.Errorf("%d testdata files, %d cases: every payload needs a case", len(files), len(tests))
	}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var u tgmodels.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				t.Fatalf("decode: %v", err)
			}
			c := convert(&u, now)
			if c.ignore != tt.ignore {
				t.Fatalf("ignore = %q, want %q", c.ignore, tt.ignore)
			}
			if tt.ignore != "" {
				return
			}
			tt.want.Received = now
			if !equalJSON(c.in, tt.want) {
				t.Errorf("inbound\n got %s\nwant %s", mustJSON(c.in), mustJSON(tt.want))
			}
			if c.photoFileID != tt.photo {
				t.Errorf("photo file = %q, want %q", c.photoFileID, tt.photo)
			}
			if !reflect.DeepEqual(c.callback, tt.callback) {
				t.Errorf("callback = %+v, want %+v", c.callback, tt.callback)
			}
		})
	}
}

func TestConvertOddUpdatesDoNotPanic(t *testing.T) {
	odd := []string{
		`{"update_id":1}`,
		`{"update_id":2,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"date":1}}`,
		`{"update_id":3,"message":{"message_id":1,"from":{"id":5},"chat":{"id":5,"type":"private"},"date":1,"photo":[]}}`,
		`{"update_id":4,"callback_query":{"id":"x","from":{"id":5},"data":"a|b"}}`,
		`{"update_id":5,"callback_query":{"id":"x","from":{"id":5},"inline_message_id":"abc","data":"a|b"}}`,
		`{"update_id":6,"channel_post":{"message_id":1,"chat":{"id":-100,"type":"channel"},"date":1,"text":"hi"}}`,
		`{"update_id":7,"message":{"message_id":1,"from":{"id":5},"chat":{"id":5,"type":"private"},"date":1,"text":"/"}}`,
		`{"update_id":8,"message":{"message_id":1,"from":{"id":5},"chat":{"id":5,"type":"private"},"date":1,"text":"/@"}}`,
	}
	for _, s := range odd {
		var u tgmodels.Update
		if err := json.Unmarshal([]byte(s), &u); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		c := convert(&u, time.Now())
		if c.ignore == "" && c.in.ChatID == "" {
			t.Errorf("%s: handed on without a chat", s)
		}
	}
}

func TestNormalizeCommand(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/start", "/start"},
		{"/start@aduan_bot", "/start"},
		{"/start@aduan_bot SDA-7KQ2MX", "/start SDA-7KQ2MX"},
		{"/lapor@aduan_bot\njalan rusak", "/lapor\njalan rusak"},
		{"hubungi @admin", "hubungi @admin"},
		{"/", "/"},
		{"/@", "/@"},
		{"  /start@x", "  /start@x"},
	}
	for _, tt := range tests {
		if got := normalizeCommand(tt.in); got != tt.want {
			t.Errorf("normalizeCommand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLangOf(t *testing.T) {
	tests := map[string]string{"id": "id", "ID": "id", "in": "id", "en": "en", "en-US": "en", "jv": "", "": "", "ru": ""}
	for in, want := range tests {
		if got := langOf(in); got != want {
			t.Errorf("langOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func equalJSON(a, b any) bool { return mustJSON(a) == mustJSON(b) }
