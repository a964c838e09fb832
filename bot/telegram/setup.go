package telegram

import (
	"context"
	"fmt"

	tg "github.com/go-telegram/bot"
	tgmodels "github.com/go-telegram/bot/models"

	"github.com/aduan-id/aduan/flows"
)

// Setup checks the token (getMe), registers the webhook (PublicURL set: with
// the secret token and allowed_updates) or removes it (polling), and sets the
// command menu in Indonesian (default) and English.
func (a *Adapter) Setup(ctx context.Context) error {
	me, err := a.api.GetMe(ctx)
	if err != nil {
		return fmt.Errorf("telegram getMe: %s", a.errorString(err))
	}
	a.mu.Lock()
	path := a.webhookPath
	a.mu.Unlock()

	if a.cfg.PublicURL != "" {
		if err := a.setWebhook(ctx, path); err != nil {
			return err
		}
	} else {
		if _, err = a.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
			return fmt.Errorf("telegram deleteWebhook: %s", a.errorString(err))
		}
		a.log.Info("telegram webhook removed, long polling", "bot", me.Username)
	}

	for _, lang := range []string{flows.LangID, flows.LangEN} {
		cmds := make([]tgmodels.BotCommand, 0, len(commands))
		for _, c := range commands {
			name := c.id
			if lang == flows.LangEN {
				name = c.en
			}
			cmds = append(cmds, tgmodels.BotCommand{Command: name, Description: a.text(lang, c.key, nil)})
		}
		params := &tg.SetMyCommandsParams{Commands: cmds}
		if lang != flows.LangID { // Indonesian is the default for every language
			params.LanguageCode = lang
		}
		if _, err := a.api.SetMyCommands(ctx, params); err != nil {
			return fmt.Errorf("telegram setMyCommands %s: %s", lang, a.errorString(err))
		}
	}
	return nil
}

// setWebhook points Telegram at PublicURL + path.
func (a *Adapter) setWebhook(ctx context.Context, path string) error {
	_, err := a.api.SetWebhook(ctx, &tg.SetWebhookParams{
		URL:            a.cfg.PublicURL + path,
		SecretToken:    a.cfg.WebhookSecret,
		AllowedUpdates: a.cfg.AllowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("telegram setWebhook: %s", a.errorString(err))
	}
	a.mu.Lock()
	a.webhookSet = path
	a.mu.Unlock()
	a.log.Info("telegram webhook set", "path", path)
	return nil
}
