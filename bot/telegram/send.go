package telegram

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	tg "github.com/go-telegram/bot"
	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// maxCallbackData is the Bot API limit for callback_data, in bytes.
const maxCallbackData = 64

// twoPerRowMax is the longest label (in runes) laid out two buttons per row.
const twoPerRowMax = 16

// Send implements bot.Sender: it delivers msg as one or more messages (4096
// characters each); the keyboard goes on the last one. Errors are
// *bot.SendError. When a later piece fails, a retry of the same message (same
// ID, same process) resumes after the pieces already delivered.
//
// Reply keyboards: Ask "location"/"contact" shows a one-time request button.
// Every message without an Ask and without choices carries
// ReplyKeyboardRemove, so a request keyboard never outlives its question. This
// needs no memory of the previous message (which would not survive a restart
// nor be shared by replicas), and Telegram accepts the removal when no
// keyboard is shown.
func (a *Adapter) Send(ctx context.Context, msg bot.Outbound) error {
	chatID, err := strconv.ParseInt(msg.ChatID, 10, 64)
	if err != nil {
		return &bot.SendError{Err: fmt.Errorf("telegram: bad chat id: %w", err), Permanent: true}
	}
	if msg.Text == "" {
		return &bot.SendError{Err: fmt.Errorf("telegram: empty message text"), Permanent: true}
	}
	inline, err := inlineKeyboard(msg.Step, msg.Choices)
	if err != nil {
		return &bot.SendError{Err: err, Permanent: true}
	}
	request := a.requestKeyboard(msg.Lang, msg.Ask, msg.Choices)
	if request != nil {
		// One message holds one keyboard, and one queued reply must be one
		// sendMessage (the rate limiter booked one): the choices ride on the
		// request keyboard as text buttons, which send their label — an
		// answer the engine reads like a typed one.
		inline = nil
	}

	parts := splitText(msg.Text, maxMessageLen)
	done := a.partsSent(msg.ID)
	for i, part := range parts {
		if i < done {
			continue // sent by an earlier attempt of this message
		}
		text, entities := boldEntities(part)
		p := &tg.SendMessageParams{ChatID: chatID, Text: text, Entities: entities}
		if i == len(parts)-1 {
			switch {
			case inline != nil:
				p.ReplyMarkup = inline
			case request != nil:
				p.ReplyMarkup = request
			default:
				p.ReplyMarkup = &tgmodels.ReplyKeyboardRemove{RemoveKeyboard: true}
			}
		}
		if err := a.sendMessage(ctx, p); err != nil {
			a.notePartsSent(msg.ID, i)
			return err
		}
	}
	a.notePartsSent(msg.ID, 0)
	return nil
}

func (a *Adapter) sendMessage(ctx context.Context, p *tg.SendMessageParams) error {
	_, err := a.api.SendMessage(ctx, p)
	if err = classify(err); err != nil {
		return fmt.Errorf("telegram sendMessage: %w", err)
	}
	return nil
}

// inlineKeyboard lays choices out one or two per row; callback_data is
// "<step>|<value>".
func inlineKeyboard(step string, choices []flows.Choice) (*tgmodels.InlineKeyboardMarkup, error) {
	if len(choices) == 0 {
		return nil, nil
	}
	short := true
	for _, c := range choices {
		if utf8.RuneCountInString(c.Label) > twoPerRowMax {
			short = false
		}
	}
	perRow := 1
	if short && len(choices) > 1 {
		perRow = 2
	}
	var rows [][]tgmodels.InlineKeyboardButton
	for i, c := range choices {
		data := step + "|" + c.Value
		if len(data) > maxCallbackData {
			return nil, fmt.Errorf("telegram: callback data of step %q choice %q is %d bytes, limit %d", step, c.Value, len(data), maxCallbackData)
		}
		if c.Label == "" {
			return nil, fmt.Errorf("telegram: empty label of step %q choice %q", step, c.Value)
		}
		b := tgmodels.InlineKeyboardButton{Text: c.Label, CallbackData: data}
		if i%perRow == 0 {
			rows = append(rows, []tgmodels.InlineKeyboardButton{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return &tgmodels.InlineKeyboardMarkup{InlineKeyboard: rows}, nil
}

// requestKeyboard is the reply keyboard for a location or contact question:
// the request button, then the question's choices (e.g. "Skip") as text
// buttons.
func (a *Adapter) requestKeyboard(lang, ask string, choices []flows.Choice) *tgmodels.ReplyKeyboardMarkup {
	var b tgmodels.KeyboardButton
	switch ask {
	case flows.AskLocation:
		b = tgmodels.KeyboardButton{Text: a.text(lang, keyButtonLocation, nil), RequestLocation: true}
	case flows.AskContact:
		b = tgmodels.KeyboardButton{Text: a.text(lang, keyButtonContact, nil), RequestContact: true}
	default:
		return nil
	}
	rows := [][]tgmodels.KeyboardButton{{b}}
	for _, c := range choices {
		rows = append(rows, []tgmodels.KeyboardButton{{Text: c.Label}})
	}
	return &tgmodels.ReplyKeyboardMarkup{Keyboard: rows, ResizeKeyboard: true, OneTimeKeyboard: true}
}
