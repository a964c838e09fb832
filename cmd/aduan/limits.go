package main

import (
	"strconv"
	"strings"

	"github.com/aduan-id/aduan/bot"
)

// maxRate bounds a send budget: far above any platform's allowance, low
// enough that a typo (an extra zero or two) is caught at start.
const maxRate = 10000

// readSendLimits reads the reply sender's per-channel budgets: the defaults
// follow the platforms' documented limits (Telegram ~1/s per chat, ~30/s
// overall; WhatsApp conservative) and an operator may lower or raise them,
// e.g. for a bot with Telegram's paid broadcast allowance or a local Bot API
// server:
//
//	ADUAN_TELEGRAM_RATE_CHAT / ADUAN_TELEGRAM_RATE_GLOBAL (messages per second)
//	ADUAN_WHATSAPP_RATE_CHAT / ADUAN_WHATSAPP_RATE_GLOBAL
func readSendLimits(r *envReader) map[string]bot.Limit {
	limits := bot.DefaultLimits()
	for _, ch := range []struct{ name, env string }{
		{bot.ChannelTelegram, "ADUAN_TELEGRAM"}, {bot.ChannelWhatsApp, "ADUAN_WHATSAPP"},
	} {
		l := limits[ch.name]
		l.PerChatPerSecond = r.rate(ch.env+"_RATE_CHAT", l.PerChatPerSecond)
		l.GlobalPerSecond = r.rate(ch.env+"_RATE_GLOBAL", l.GlobalPerSecond)
		limits[ch.name] = l
	}
	return limits
}

// rate is a send budget in messages per second. A zero rate would stop
// sending for good, and NaN or Inf would turn the bucket's arithmetic
// meaningless, so both are refused.
func (r *envReader) rate(name string, def float64) float64 {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || !(rate > 0 && rate <= maxRate) { // !(…) also refuses NaN
		r.fail(name, strconv.Quote(v), "want messages per second, a number above 0 and at most 10000, like 1 or 0.5")
		return def
	}
	return rate
}
