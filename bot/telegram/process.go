package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	tgmodels "github.com/go-telegram/bot/models"

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
	if handled, err := a.adminLink(ctx, log, c); handled {
		return err
	}

	if c.photoFileID != "" {
		photo, refused, err := a.fetchPhoto(ctx, c.photoFileID, c.photoSize)
		if err != nil {
			a.stats.failed.Add(1)
			return fmt.Errorf("telegram update %d: %w", u.ID, err)
		}
		if refused != "" {
			// The engine re-asks, in the conversation's language, and the
			// re-ask is committed and queued like any reply: in order, rate
			// limited, retried, and once however often the update comes.
			a.stats.mediaRefused.Add(1)
			log.Info("telegram photo refused", "reason", refused)
			c.in.Unsupported = refused
		} else {
			c.in.Photos = []flows.Photo{photo}
		}
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

// chatHash identifies a chat in logs without revealing its id.
func chatHash(chatID string) string {
	s := sha256.Sum256([]byte("aduan-chat:" + chatID))
	return hex.EncodeToString(s[:6])
}
