package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// process handles one update: convert it, fetch its photo, hand it to the
// handler, then answer a pressed button. It returns an error only when the
// update was not committed and must come again (webhook 503, polling retry).
func (a *Adapter) process(ctx context.Context, u *tgmodels.Update) (err error) {
	defer func() {
		// A panic is a bug that a redelivery would hit again: log it and
		// acknowledge the update rather than block polling or have Telegram
		// retry it for a day.
		if r := recover(); r != nil {
			a.stats.panics.Add(1)
			a.log.Error("telegram update processing panicked", "update", u.ID, "panic", fmt.Sprintf("%T", r))
			err = nil
		}
	}()
	c := convert(u, time.Now())
	log := a.log.With("update", u.ID)
	if c.in.ChatID != "" {
		log = log.With("chat", chatHash(c.in.ChatID))
	}
	if c.ignore != "" {
		a.stats.ignored.Add(1)
		log.Debug("telegram update ignored", "reason", c.ignore)
		if c.callback != nil {
			a.answerCallback(ctx, log, c.callback.queryID, "")
		}
		return nil
	}

	if c.photoFileID != "" {
		photo, refusal, err := a.fetchPhoto(ctx, c.photoFileID, c.photoSize)
		if err != nil {
			a.stats.failed.Add(1)
			return fmt.Errorf("telegram update %d: %w", u.ID, err)
		}
		if refusal != "" {
			a.stats.mediaRefused.Add(1)
			log.Info("telegram photo refused", "reason", refusal)
			a.reply(ctx, log, c.in, refusal)
			return nil
		}
		c.in.Photos = []flows.Photo{photo}
	}

	out, err := a.handler.Handle(ctx, c.in)
	if err != nil {
		a.stats.failed.Add(1)
		return fmt.Errorf("telegram update %d: handle: %w", u.ID, err)
	}
	a.stats.handled.Add(1)
	if out.Duplicate {
		a.stats.duplicates.Add(1)
	}
	if out.Stale {
		a.stats.stale.Add(1)
	}
	if c.callback != nil {
		a.afterCallback(ctx, log, c, out)
	}
	return nil
}

// reply sends one of the adapter's own texts directly (not through the
// outbound stream: nothing was committed). A failure is only logged.
func (a *Adapter) reply(ctx context.Context, log *slog.Logger, in bot.Inbound, key string) {
	vars := map[string]string{"max": fmt.Sprintf("%d MB", a.cfg.MaxPhotoBytes>>20)}
	if a.cfg.MaxPhotoBytes < 1<<20 {
		vars["max"] = fmt.Sprintf("%d KB", (a.cfg.MaxPhotoBytes+1023)>>10)
	}
	err := a.Send(ctx, bot.Outbound{Channel: bot.ChannelTelegram, ChatID: in.ChatID, Lang: in.Lang, Text: a.text(in.Lang, key, vars)})
	if err != nil {
		log.Warn("telegram direct reply failed", "err", a.errorString(err))
	}
}

// chatHash identifies a chat in logs without revealing its id.
func chatHash(chatID string) string {
	s := sha256.Sum256([]byte("aduan-chat:" + chatID))
	return hex.EncodeToString(s[:6])
}
