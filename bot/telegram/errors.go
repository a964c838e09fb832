package telegram

import (
	"errors"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/aduan-id/aduan/bot"
)

// classify turns a Bot API error into a *bot.SendError (or nil for the
// harmless "message is not modified"). The library maps the JSON error_code
// to its error values; only errors.Is / errors.As are used, so wrapping never
// changes the verdict.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var tooMany *tg.TooManyRequestsError
	var migrate *tg.MigrateError
	switch {
	case errors.As(err, &tooMany):
		wait := time.Duration(tooMany.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		return &bot.SendError{Err: err, RetryAfter: wait}
	case errors.Is(err, tg.ErrorForbidden):
		return &bot.SendError{Err: err, Unreachable: true}
	case errors.As(err, &migrate):
		return &bot.SendError{Err: err, Permanent: true}
	case errors.Is(err, tg.ErrorBadRequest):
		if strings.Contains(err.Error(), "message is not modified") {
			return nil
		}
		if strings.Contains(err.Error(), "chat not found") || strings.Contains(err.Error(), "user not found") {
			return &bot.SendError{Err: err, Unreachable: true}
		}
		return &bot.SendError{Err: err, Permanent: true}
	}
	// 401/404 (a bad token: the operator fixes it), 5xx, network, timeouts:
	// worth another try.
	return &bot.SendError{Err: err}
}
