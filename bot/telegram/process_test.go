package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	tgmodels "github.com/go-telegram/bot/models"
	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
	"github.com/aduan-id/aduan/flows"
)

func pngBytes(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, size, size))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, raw []byte) *tgmodels.Update {
	t.Helper()
	var u tgmodels.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		t.Fatal(err)
	}
	return &u
}

func TestCallbackAnswers(t *testing.T) {
	raw, err := os.ReadFile("testdata/callback.json")
	if err != nil {
		t.Fatal(err)
	}
	const question = "Pilih kategori laporan:"
	tests := []struct {
		name       string
		outcome    bot.Outcome
		answered   bool   // one answerCallbackQuery
		answerText string // its text
		editMethod string // "" = no edit
		editText   string
	}{
		{name: "accepted", outcome: bot.Outcome{AnswerLabel: "Jalan dan jembatan"}, answered: true,
			editMethod: "editMessageText", editText: question + "\n\n✓ Jalan dan jembatan"},
		{name: "accepted without label", outcome: bot.Outcome{}, answered: true, editMethod: "editMessageReplyMarkup"},
		{name: "stale", outcome: bot.Outcome{Stale: true}, answered: true, answerText: "Pertanyaan itu sudah lewat. Silakan jawab pertanyaan terakhir."},
		// a redelivered press: the delivery that committed it answered it
		{name: "duplicate", outcome: bot.Outcome{Duplicate: true, AnswerLabel: "Jalan dan jembatan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "", nil)
			// the question as the bot sent it: message 101 in the fake
			if err := env.a.Send(context.Background(), bot.Outbound{ChatID: "501234567", Text: question, Step: "category",
				Choices: []flows.Choice{{Value: "jalan", Label: "Jalan dan jembatan"}}}); err != nil {
				t.Fatal(err)
			}
			u := decode(t, bytes.Replace(raw, []byte(`"message_id":77`), []byte(`"message_id":101`), 1))
			env.h.fn = func(bot.Inbound) (bot.Outcome, error) { return tt.outcome, nil }
			if err := env.a.process(context.Background(), u); err != nil {
				t.Fatalf("process: %v", err)
			}
			answers := env.tg.CallsOf("answerCallbackQuery", "")
			switch {
			case !tt.answered && len(answers) != 0:
				t.Errorf("answerCallbackQuery calls %+v, want none", answers)
			case tt.answered && (len(answers) != 1 || answers[0].Form["callback_query_id"] != "2152563716543219876" || answers[0].Form["text"] != tt.answerText):
				t.Errorf("answerCallbackQuery calls %+v, want one with text %q", answers, tt.answerText)
			}
			edits := func() []telegramtest.Call {
				return append(env.tg.CallsOf("editMessageText", ""), env.tg.CallsOf("editMessageReplyMarkup", "")...)
			}
			if tt.editMethod == "" {
				if e := edits(); len(e) != 0 {
					t.Errorf("edited %+v, want no edit", e)
				}
			} else {
				e := edits()
				if len(e) != 1 || e[0].Method != tt.editMethod || e[0].Form["message_id"] != "101" {
					t.Fatalf("edits %+v, want one %s of message 101", e, tt.editMethod)
				}
				if e[0].Form["text"] != tt.editText || e[0].Form["reply_markup"] != `{"inline_keyboard":[]}` {
					t.Errorf("edit text %q markup %s", e[0].Form["text"], e[0].Form["reply_markup"])
				}
			}
			// The same press redelivered (the dispatcher reports a duplicate):
			// no second answer, no second edit.
			calls := len(env.tg.Calls())
			env.h.fn = func(bot.Inbound) (bot.Outcome, error) { return bot.Outcome{Duplicate: true}, nil }
			if err := env.a.process(context.Background(), u); err != nil {
				t.Errorf("redelivered press: %v", err)
			}
			if extra := env.tg.Calls()[calls:]; len(extra) != 0 {
				t.Errorf("a redelivered press called %s", extra[0].Method)
			}
		})
	}
}

// TestCallbackAnswerRefused: Telegram refusing the answer (too old, already
// answered, down) is logged, never an error that would make the update come
// again; the too-old refusal only at debug level.
func TestCallbackAnswerRefused(t *testing.T) {
	raw, err := os.ReadFile("testdata/callback.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		failure telegramtest.Failure
		level   string // level of the log line about it
	}{
		{"query too old", telegramtest.QueryTooOld, "DEBUG"},
		{"Telegram down", telegramtest.Internal, "WARN"},
		{"flood wait", telegramtest.TooManyRequests(3), "WARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, "", nil)
			env.tg.Fail("answerCallbackQuery", "", tt.failure, 1)
			if err := env.a.process(context.Background(), decode(t, raw)); err != nil {
				t.Fatalf("process: %v", err)
			}
			if n := len(env.h.inbound()); n != 1 {
				t.Errorf("committed %d times", n)
			}
			var line map[string]any
			for _, l := range bytes.Split([]byte(env.logs.String()), []byte("\n")) {
				var m map[string]any
				if json.Unmarshal(l, &m) == nil && strings.Contains(fmt.Sprint(m["msg"]), "answerCallbackQuery") {
					line = m
				}
			}
			if line == nil || line["level"] != tt.level {
				t.Errorf("log line about the answer %v, want level %s", line, tt.level)
			}
			if strings.Contains(env.logs.String(), "jalan") {
				t.Errorf("the callback data reached the logs")
			}
		})
	}
}

func TestPhotos(t *testing.T) {
	img := pngBytes(t, 64)
	tests := []struct {
		name      string
		file      []byte
		maxPhoto  int64
		noStore   bool
		fail      *telegramtest.Failure // on getFile
		wantPhoto bool
		refused   string // Inbound.Unsupported handed to the engine ("" = none)
		wantErr   bool
	}{
		{name: "stored", file: img, wantPhoto: true},
		{name: "not an image", file: []byte("%PDF-1.4 not a photo at all"), refused: "photo_type"},
		{name: "too large for the adapter", file: img, maxPhoto: 100, refused: "photo_too_large"},
		{name: "getFile too big", file: img, fail: &telegramtest.Failure{Code: 400, Description: "Bad Request: file is too big"}, refused: "photo_too_large"},
		{name: "getFile invalid file id", file: img, fail: &telegramtest.Failure{Code: 400, Description: "Bad Request: invalid file_id"}, refused: "photo_failed"},
		{name: "no media store", file: img, noStore: true, refused: "photo_failed"},
		{name: "getFile 500: try again", file: img, fail: &telegramtest.Internal, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, err := bot.NewDirMediaStore(t.TempDir(), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			var media bot.MediaStore = store
			if tt.noStore {
				media = nil
			}
			env := newEnv(t, "", media)
			if tt.maxPhoto > 0 {
				env.a.cfg.MaxPhotoBytes = tt.maxPhoto
			}
			env.tg.AddFile("P-large", "photos/file_7.png", tt.file)
			if tt.fail != nil {
				env.tg.Fail("getFile", "", *tt.fail, 1)
			}
			u := telegramtest.NewUpdates(42, "id", 10)
			err = env.a.process(context.Background(), decode(t, u.Photo("Lubang di Jl. Waru", "P-small", "P-large")))
			if (err != nil) != tt.wantErr {
				t.Fatalf("process error = %v, want error %v", err, tt.wantErr)
			}
			ins := env.h.inbound()
			switch {
			case tt.wantErr:
				if len(ins) != 0 {
					t.Errorf("committed %+v, want nothing (the update comes again)", ins)
				}
			case tt.wantPhoto:
				if len(ins) != 1 || len(ins[0].Photos) != 1 || ins[0].Unsupported != "" {
					t.Fatalf("committed %+v, want one message with one photo", ins)
				}
				p := ins[0].Photos[0]
				rc, ct, err := store.Open(context.Background(), p.Ref)
				if err != nil {
					t.Fatalf("stored photo: %v", err)
				}
				rc.Close()
				if ct != "image/png" || p.Size != int64(len(img)) {
					t.Errorf("photo %+v (%s)", p, ct)
				}
				if calls := env.tg.CallsOf("getFile", ""); len(calls) != 1 || calls[0].Form["file_id"] != "P-large" {
					t.Errorf("getFile calls %+v, want the largest size", calls)
				}
			default:
				// the engine re-asks: the refusal is an input, not a message
				// the adapter sends itself
				if len(ins) != 1 || ins[0].Unsupported != tt.refused || len(ins[0].Photos) != 0 || ins[0].MessageID != "u10" {
					t.Fatalf("committed %+v, want one message with Unsupported %q and no photo", ins, tt.refused)
				}
				if s := env.a.Stats(); s.MediaRefused != 1 {
					t.Errorf("media refused = %d, want 1", s.MediaRefused)
				}
			}
			if sent := env.tg.CallsOf("sendMessage", ""); len(sent) != 0 {
				t.Errorf("the adapter sent %d messages itself, want none", len(sent))
			}
			if strings.Contains(env.logs.String(), "Waru") {
				t.Errorf("the caption reached the logs")
			}
		})
	}
}

func TestSetup(t *testing.T) {
	tests := []struct {
		name      string
		publicURL string
		want      []string // methods in order
	}{
		{name: "webhook", publicURL: "https://aduan.example.go.id/", want: []string{"getMe", "setWebhook", "setMyCommands", "setMyCommands"}},
		{name: "polling", want: []string{"getMe", "deleteWebhook", "setMyCommands", "setMyCommands"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, tt.publicURL, nil)
			if err := env.a.Setup(context.Background()); err != nil {
				t.Fatalf("Setup: %v", err)
			}
			calls := env.tg.Calls()
			var methods []string
			for _, c := range calls {
				methods = append(methods, c.Method)
			}
			if len(methods) != len(tt.want) {
				t.Fatalf("calls %v, want %v", methods, tt.want)
			}
			for i := range methods {
				if methods[i] != tt.want[i] {
					t.Fatalf("calls %v, want %v", methods, tt.want)
				}
			}
			if tt.publicURL != "" {
				f := calls[1].Form
				if f["url"] != "https://aduan.example.go.id/telegram/webhook" || f["secret_token"] != "s3cret_Token-1" ||
					f["allowed_updates"] != `["message","edited_message","callback_query","my_chat_member"]` {
					t.Errorf("setWebhook form %v", f)
				}
			}
			id, en := calls[2].Form, calls[3].Form
			if id["language_code"] != "" || en["language_code"] != "en" {
				t.Errorf("language codes %q %q", id["language_code"], en["language_code"])
			}
			var cmds []tgmodels.BotCommand
			if err := json.Unmarshal([]byte(id["commands"]), &cmds); err != nil || len(cmds) != 7 || cmds[1].Command != "lapor" || cmds[1].Description != "Buat laporan baru" {
				t.Errorf("Indonesian commands %s", id["commands"])
			}
			if err := json.Unmarshal([]byte(en["commands"]), &cmds); err != nil || cmds[3].Command != "myreports" || cmds[3].Description != "List my reports" {
				t.Errorf("English commands %s", en["commands"])
			}
		})
	}
}

// TestRegisterAfterSetup: when the route is registered after Setup told
// Telegram the default path, the webhook follows the route.
func TestRegisterAfterSetup(t *testing.T) {
	env := newEnv(t, "https://aduan.example.go.id", nil)
	if err := env.a.Setup(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.a.Register(echo.New(), "/webhooks/telegram")
	calls := env.tg.WaitFor(t, 5*time.Second, "second setWebhook", func(calls []telegramtest.Call) bool {
		n := 0
		for _, c := range calls {
			if c.Method == "setWebhook" {
				n++
			}
		}
		return n == 2
	})
	var urls []string
	for _, c := range calls {
		if c.Method == "setWebhook" {
			urls = append(urls, c.Form["url"])
		}
	}
	if urls[1] != "https://aduan.example.go.id/webhooks/telegram" {
		t.Errorf("setWebhook URLs %v", urls)
	}
}
