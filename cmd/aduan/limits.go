package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/aduan-id/aduan/bot"
)

// sendLimits are the reply sender's per-channel budgets: the defaults follow
// the platforms' documented limits (Telegram ~1/s per chat, ~30/s overall;
// WhatsApp conservative) and an operator may lower or raise them, e.g. for a
// bot with Telegram's paid broadcast allowance or a local Bot API server:
//
//	ADUAN_TELEGRAM_RATE_CHAT / ADUAN_TELEGRAM_RATE_GLOBAL (messages per second)
//	ADUAN_WHATSAPP_RATE_CHAT / ADUAN_WHATSAPP_RATE_GLOBAL
func sendLimits() (map[string]bot.Limit, error) {
	limits := bot.DefaultLimits()
	for _, ch := range []struct{ name, env string }{
		{bot.ChannelTelegram, "ADUAN_TELEGRAM"}, {bot.ChannelWhatsApp, "ADUAN_WHATSAPP"},
	} {
		l := limits[ch.name]
		for _, f := range []struct {
			suffix string
			dst    *float64
		}{{"_RATE_CHAT", &l.PerChatPerSecond}, {"_RATE_GLOBAL", &l.GlobalPerSecond}} {
			v := os.Getenv(ch.env + f.suffix)
			if v == "" {
				continue
			}
			rate, err := strconv.ParseFloat(v, 64)
			if err != nil || rate <= 0 || rate > 10000 {
				return nil, fmt.Errorf("%s%s must be a rate in messages per second (0 < rate <= 10000), got %q", ch.env, f.suffix, v)
			}
			*f.dst = rate
		}
		limits[ch.name] = l
	}
	return limits, nil
}
