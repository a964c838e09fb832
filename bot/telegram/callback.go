package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf16"

	tg "github.com/go-telegram/bot"
	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
)

// answerMark separates a question from the answer shown under it.
const answerMark = "\n\n✓ "

// callbackCallTimeout bounds answerCallbackQuery, and the edit after it: an
// answer later than Telegram's limit (about 10-15 s) is refused anyway, and
// neither call may hold up the webhook answer or the polling batch.
const callbackCallTimeout = 10 * time.Second

// afterCallback answers a pressed button (or the client keeps spinning) and,
// when the press was accepted, edits the question to show the answer and
// drops its keyboard so it cannot be pressed again.
//
// A redelivered press (out.Duplicate: a webhook retry, or getUpdates
// returning it again after a crash) is neither answered nor edited: the
// delivery that committed it did that, and Telegram accepts one answer per
// query (a second one gets 400 "query is too old"). None of this can fail the
// update: it is committed already.
func (a *Adapter) afterCallback(ctx context.Context, log *slog.Logger, c conversion, out bot.Outcome) {
	cb := c.callback
	if out.Duplicate {
		log.Debug("telegram press redelivered: already answered")
		return
	}
	text := ""
	if out.Stale {
		lang := out.Lang
		if lang == "" {
			lang = c.in.Lang
		}
		text = a.text(lang, keyStale, nil)
	}
	a.answerCallback(ctx, log, cb.queryID, text)
	if out.Stale || cb.messageID == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, callbackCallTimeout)
	defer cancel()
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

// answerCallback answers a callback query; a failure is only logged (debug
// when Telegram says the query is too old or was answered already, which
// changes nothing for the citizen; warn otherwise).
func (a *Adapter) answerCallback(ctx context.Context, log *slog.Logger, id, text string) {
	ctx, cancel := context.WithTimeout(ctx, callbackCallTimeout)
	defer cancel()
	_, err := a.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
	switch {
	case err == nil:
	case queryTooOld(err):
		log.Debug("telegram answerCallbackQuery refused: query too old or already answered")
	default:
		log.Warn("telegram answerCallbackQuery failed", "err", a.errorString(err))
	}
}

// queryTooOld reports whether err is Telegram's refusal of a callback answer
// that came too late or twice.
func queryTooOld(err error) bool {
	return errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "query is too old")
}

// utf16Len is the length Telegram counts for a text limit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
