package telegram

import (
	"context"
	"log/slog"
	"unicode/utf16"

	tg "github.com/go-telegram/bot"
	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
)

// answerMark separates a question from the answer shown under it.
const answerMark = "\n\n✓ "

// afterCallback answers a pressed button (always, or the client keeps
// spinning) and, when the press was accepted, edits the question to show the
// answer and drops its keyboard so it cannot be pressed again.
func (a *Adapter) afterCallback(ctx context.Context, log *slog.Logger, c conversion, out bot.Outcome) {
	cb := c.callback
	text := ""
	if out.Stale {
		lang := out.Lang
		if lang == "" {
			lang = c.in.Lang
		}
		text = a.text(lang, keyStale, nil)
	}
	a.answerCallback(ctx, log, cb.queryID, text)
	if out.Stale || out.Duplicate || cb.messageID == 0 {
		return
	}
	noKeyboard := &tgmodels.InlineKeyboardMarkup{InlineKeyboard: [][]tgmodels.InlineKeyboardButton{}}
	edited := cb.text + answerMark + out.AnswerLabel
	var err error
	if out.AnswerLabel != "" && cb.text != "" && utf16Len(edited) <= maxMessageLen {
		_, err = a.api.EditMessageText(ctx, &tg.EditMessageTextParams{
			ChatID: cb.chatID, MessageID: cb.messageID, Text: edited, Entities: cb.entities, ReplyMarkup: noKeyboard,
		})
	} else {
		_, err = a.api.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{
			ChatID: cb.chatID, MessageID: cb.messageID, ReplyMarkup: noKeyboard,
		})
	}
	if err = classify(err); err != nil {
		log.Warn("telegram edit of answered question failed", "err", a.errorString(err))
	}
}

func (a *Adapter) answerCallback(ctx context.Context, log *slog.Logger, id, text string) {
	_, err := a.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
	if err != nil {
		log.Warn("telegram answerCallbackQuery failed", "err", a.errorString(err))
	}
}

// utf16Len is the length Telegram counts for a text limit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
