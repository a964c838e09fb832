package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot"
)

// Audit actions of the alerts page and the bot's linking.
const (
	AuditAlertCode   = "alert_link_code" // a Telegram link code was made
	AuditAlertLinked = "alert_linked"    // the code was redeemed: a chat is linked
	AuditAlertUnlink = "alert_unlink"
	AuditAlertEmail  = "alert_email" // email alerts turned on or off
)

// AlertsConfig turns on linking on the console's alerts page (EnableAlerts).
type AlertsConfig struct {
	// Queue takes the bot's answer to an admin linking a chat: the outbound
	// stream (*bot.QueueNotifier), never a direct send.
	Queue interface {
		NotifyOnce(ctx context.Context, id string, msg bot.Outbound) error
	}
	// BotUsername is the Telegram bot's username for the deep link; nil when
	// Telegram is off. An error shows the code with "send /start adm_…".
	BotUsername func(ctx context.Context) (string, error)
	// Email is set when email alerts can be sent (ADUAN_SMTP_URL).
	Email bool
	// CodeTTL is how long a link code may be redeemed (10 min).
	CodeTTL time.Duration
}

// linkCodeLen is a code's length: 12 base32 characters, 60 random bits, for a
// code that is valid 10 minutes and once.
const linkCodeLen = 12

// usedTTL keeps a redeemed code's record past Telegram's redelivery window, so
// a redelivered /start is answered as the first one was.
const usedTTL = 48 * time.Hour

// EnableAlerts turns on Telegram linking and the email switch of the alerts
// page, and returns the linker the Telegram adapter hands /start adm_<code>
// to. Call it before serving.
func (c *Console) EnableAlerts(cfg AlertsConfig) *AlertLinker {
	if cfg.CodeTTL <= 0 {
		cfg.CodeTTL = 10 * time.Minute
	}
	c.alerts = &cfg
	return &AlertLinker{c: c}
}

func (c *Console) codeKey(code string) string { return c.cfg.Prefix + ":console:alertcode:" + code }
func (c *Console) pendingKey(email string) string {
	return c.cfg.Prefix + ":console:alertcode-for:" + email
}
func validCode(code string) bool {
	if len(code) != linkCodeLen {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// newLinkCode makes a one-time code for email, valid CodeTTL, and remembers
// it as the account's pending code (shown on the page until it expires or is
// used).
func (c *Console) newLinkCode(ctx context.Context, email string) (string, error) {
	code := strings.ToLower(rand.Text()[:linkCodeLen])
	ttl := c.alerts.CodeTTL
	pipe := c.rdb.TxPipeline()
	pipe.HSet(ctx, c.codeKey(code), "email", email)
	pipe.PExpire(ctx, c.codeKey(code), ttl)
	pipe.Set(ctx, c.pendingKey(email), code, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("alert link code: %w", err)
	}
	return code, nil
}

// pendingCode is the account's unexpired, unused code and until when it is
// valid ("" when none).
func (c *Console) pendingCode(ctx context.Context, email string) (string, time.Time, error) {
	pipe := c.rdb.Pipeline()
	code := pipe.Get(ctx, c.pendingKey(email))
	ttl := pipe.PTTL(ctx, c.pendingKey(email))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return "", time.Time{}, fmt.Errorf("alert link code: %w", err)
	}
	if code.Val() == "" || ttl.Val() <= 0 {
		return "", time.Time{}, nil
	}
	return code.Val(), c.cfg.Now().Add(ttl.Val()), nil
}

// Outcomes of redeeming a code.
const (
	redeemUnknown = 0 // no such code, or expired
	redeemOK      = 1 // first use, or the same update again
	redeemUsed    = 2 // used by another message
)

// redeem takes a code once, atomically: the first message to present it
// wins and is recorded; the same message again (a redelivered update) is
// the same success; any other is refused. KEYS: the code. ARGV: chat,
// message id, used ttl ms.
var redeem = redis.NewScript(`
local email = redis.call('HGET', KEYS[1], 'email')
if not email then return {0, ''} end
local chat = redis.call('HGET', KEYS[1], 'chat')
if not chat then
  redis.call('HSET', KEYS[1], 'chat', ARGV[1], 'msg', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, email}
end
if chat == ARGV[1] and redis.call('HGET', KEYS[1], 'msg') == ARGV[2] then
  return {1, email}
end
return {2, email}`)

// AlertLinker redeems codes for the Telegram adapter (telegram.AdminLinker).
type AlertLinker struct{ c *Console }

// LinkAdmin implements telegram.AdminLinker: redeem the code, link the chat
// to the account, audit, and queue the answer — each step idempotent for a
// redelivered update (same messageID). An error means Redis did not answer:
// the webhook answers 503 and Telegram delivers the update again.
func (l *AlertLinker) LinkAdmin(ctx context.Context, chatID, messageID, lang, code string) error {
	c := l.c
	code = strings.ToLower(strings.TrimSpace(code))
	outcome, email := redeemUnknown, ""
	if validCode(code) {
		res, err := redeem.Run(ctx, c.rdb, []string{c.codeKey(code)}, chatID, messageID, usedTTL.Milliseconds()).Slice()
		if err != nil || len(res) != 2 {
			return fmt.Errorf("redeem alert link code: %w", err)
		}
		n, _ := res[0].(int64)
		outcome, email = int(n), fmt.Sprint(res[1])
	}
	text := botText("alerts.bot.unknown")
	switch outcome {
	case redeemOK:
		linked, err := l.link(ctx, email, chatID)
		if err != nil {
			return err
		}
		if linked {
			text = botText("alerts.bot.linked", maskEmail(email))
		}
	case redeemUsed:
		text = botText("alerts.bot.used")
	}
	id := "alertlink:" + shortHash(chatID+"\x00"+messageID)
	msg := bot.Outbound{Channel: bot.ChannelTelegram, ChatID: chatID, Lang: langID, Text: text}
	if err := c.alerts.Queue.NotifyOnce(ctx, id, msg); err != nil {
		return fmt.Errorf("alert link answer: %w", err)
	}
	c.log.Info("console: alert link code presented", "outcome", outcome)
	return nil
}

// link records chatID on the account and audits it; linked is false when the
// account is gone or disabled since the code was made.
func (l *AlertLinker) link(ctx context.Context, email, chatID string) (linked bool, err error) {
	c := l.c
	a, err := c.accounts.Get(ctx, email)
	if errors.Is(err, ErrNoAccount) || err == nil && a.Disabled {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := c.accounts.SetAlertChat(ctx, a.Email, chatID); err != nil {
		return false, err
	}
	if err := c.audit.add(ctx, AuditEntry{Actor: a.Email, Action: AuditAlertLinked, Detail: "telegram"}); err != nil {
		return false, err
	}
	if err := c.rdb.Del(ctx, c.pendingKey(a.Email)).Err(); err != nil {
		return false, fmt.Errorf("alert link code: %w", err)
	}
	return true, nil
}

// botText is what the bot answers an admin: Indonesian, then English.
func botText(key string, args ...any) string {
	t := uiText[key]
	return fmt.Sprintf(t[0], args...) + "\n" + fmt.Sprintf(t[1], args...)
}

// maskEmail keeps the first letter of the address and its domain:
// "ratna@sidoarjo.go.id" -> "r***@sidoarjo.go.id".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}

// shortHash names a chat in keys without its id.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:10])
}
