package console

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Fields of an account's hash for alerts.
const (
	fieldAlertChat  = "alert_chat"  // the linked Telegram chat id
	fieldAlertEmail = "alert_email" // "1": email alerts too
)

// setIfAccount writes fields of an existing account's hash and nothing
// otherwise (an account removed meanwhile must not come back as a stub).
// KEYS: the account. ARGV: field, value, … ("" deletes the field).
var setIfAccount = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'email') == 0 then return 0 end
for i = 1, #ARGV, 2 do
  if ARGV[i+1] == '' then
    redis.call('HDEL', KEYS[1], ARGV[i])
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i+1])
  end
end
return 1`)

func (s *Accounts) setAlertField(ctx context.Context, email, field, value string) error {
	email = NormalizeEmail(email)
	n, err := setIfAccount.Run(ctx, s.rdb, []string{s.key(email)}, field, value).Int()
	if err != nil {
		return fmt.Errorf("account alerts: %w", err)
	}
	if n == 0 {
		return ErrNoAccount
	}
	return nil
}

// SetAlertChat links a Telegram chat to the account for alerts; "" unlinks.
func (s *Accounts) SetAlertChat(ctx context.Context, email, chatID string) error {
	return s.setAlertField(ctx, email, fieldAlertChat, chatID)
}

// SetAlertEmail turns email alerts on or off for the account.
func (s *Accounts) SetAlertEmail(ctx context.Context, email string, on bool) error {
	v := ""
	if on {
		v = "1"
	}
	return s.setAlertField(ctx, email, fieldAlertEmail, v)
}
