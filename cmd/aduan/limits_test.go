package main

import (
	"strings"
	"testing"

	"github.com/aduan-id/aduan/bot"
)

func TestSendLimitsFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		chat, gl float64 // telegram's, when ok
		bad      string  // the variable the error names; "" when ok
	}{
		{"defaults: Telegram's documented limits", nil, 1, 30, ""},
		{"raised global", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "100"}, 1, 100, ""},
		{"lowered per chat", map[string]string{"ADUAN_TELEGRAM_RATE_CHAT": "0.5"}, 0.5, 30, ""},
		{"trimmed", map[string]string{"ADUAN_TELEGRAM_RATE_CHAT": " 2 "}, 2, 30, ""},
		{"the upper bound", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "10000"}, 1, 10000, ""},
		{"zero", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "0"}, 0, 0, "ADUAN_TELEGRAM_RATE_GLOBAL"},
		{"negative", map[string]string{"ADUAN_TELEGRAM_RATE_CHAT": "-1"}, 0, 0, "ADUAN_TELEGRAM_RATE_CHAT"},
		{"above the bound", map[string]string{"ADUAN_WHATSAPP_RATE_GLOBAL": "10001"}, 0, 0, "ADUAN_WHATSAPP_RATE_GLOBAL"},
		{"not a number", map[string]string{"ADUAN_WHATSAPP_RATE_CHAT": "fast"}, 0, 0, "ADUAN_WHATSAPP_RATE_CHAT"},
		{"NaN", map[string]string{"ADUAN_WHATSAPP_RATE_CHAT": "NaN"}, 0, 0, "ADUAN_WHATSAPP_RATE_CHAT"},
		{"Inf", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "+Inf"}, 0, 0, "ADUAN_TELEGRAM_RATE_GLOBAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &envReader{getenv: func(k string) string { return tt.env[k] }}
			got := readSendLimits(r)
			if tt.bad != "" {
				if len(r.bad) != 1 || r.bad[0].Name != tt.bad || !strings.Contains(r.bad.Error(), "messages per second") {
					t.Fatalf("errors = %v, want one naming %s and what it accepts", r.bad, tt.bad)
				}
				return
			}
			if len(r.bad) != 0 {
				t.Fatalf("errors = %v, want none", r.bad)
			}
			tg := got[bot.ChannelTelegram]
			if tg.PerChatPerSecond != tt.chat || tg.GlobalPerSecond != tt.gl || tg.PerChatBurst != bot.DefaultLimits()[bot.ChannelTelegram].PerChatBurst {
				t.Errorf("telegram limit = %+v", tg)
			}
			if wa := got[bot.ChannelWhatsApp]; wa != bot.DefaultLimits()[bot.ChannelWhatsApp] {
				t.Errorf("whatsapp limit = %+v, want the defaults", wa)
			}
		})
	}
}
