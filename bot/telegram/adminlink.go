package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// AdminLinker redeems the one-time code an admin got from the console's
// alerts page (/start adm_<code>, from the deep link
// https://t.me/<bot>?start=adm_<code>): it records the chat on the admin's
// account and queues the answer on the outbound stream. It returns an error
// only when that could not be committed (Redis down): the update then comes
// again, so it must be idempotent per messageID. A wrong, expired or used
// code is not an error: it is answered politely. Implemented by the console
// (api/console), wired by cmd/aduan.
type AdminLinker interface {
	LinkAdmin(ctx context.Context, chatID, messageID, lang, code string) error
}

// AdminLinkCommand starts the text of a linking message (after the command
// is normalised: "/start@bot adm_x" is "/start adm_x").
const AdminLinkCommand = "/start adm_"

// adminHook is the adapter's admin side: the linker, and the bot's username
// for the deep link (getMe, asked once).
type adminHook struct {
	mu       sync.Mutex
	linker   AdminLinker
	username string
}

// SetAdminLinker makes /start adm_<code> in a private chat go to l instead of
// the citizens' conversation. Call it before updates arrive.
func (a *Adapter) SetAdminLinker(l AdminLinker) {
	a.admin.mu.Lock()
	defer a.admin.mu.Unlock()
	a.admin.linker = l
}

// BotUsername is the bot's @username without the @ (getMe, remembered once
// known), for the console's deep link.
func (a *Adapter) BotUsername(ctx context.Context) (string, error) {
	a.admin.mu.Lock()
	name := a.admin.username
	a.admin.mu.Unlock()
	if name != "" {
		return name, nil
	}
	me, err := a.api.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("telegram getMe: %s", a.errorString(err))
	}
	a.admin.mu.Lock()
	a.admin.username = me.Username
	a.admin.mu.Unlock()
	return me.Username, nil
}

// adminLink hands a linking message to the linker. handled is false for
// anything else (and when no linker is set): the citizens' flow takes it.
func (a *Adapter) adminLink(ctx context.Context, log *slog.Logger, c conversion) (handled bool, err error) {
	code, ok := strings.CutPrefix(c.in.Text, AdminLinkCommand)
	if !ok || c.callback != nil || c.photoFileID != "" || c.in.ChatID == "" {
		return false, nil
	}
	a.admin.mu.Lock()
	l := a.admin.linker
	a.admin.mu.Unlock()
	if l == nil {
		return false, nil
	}
	if err := l.LinkAdmin(ctx, c.in.ChatID, c.in.MessageID, c.in.Lang, strings.TrimSpace(code)); err != nil {
		a.stats.failed.Add(1)
		return true, fmt.Errorf("telegram update %s: admin link: %w", c.in.MessageID, err)
	}
	a.stats.handled.Add(1)
	log.Info("telegram admin link message handled")
	return true, nil
}
