package main

import (
	"testing"

	"github.com/aduan-id/aduan/bot"
)

func TestSendLimitsFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		chat, gl float64 // telegram's, when ok
		ok       bool
	}{
		{"defaults: Telegram's documented limits", nil, 1, 30, true},
		{"raised global", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "100"}, 1, 100, true},
		{"lowered per chat", map[string]string{"ADUAN_TELEGRAM_RATE_CHAT": "0.5"}, 0.5, 30, true},
		{"zero", map[string]string{"ADUAN_TELEGRAM_RATE_GLOBAL": "0"}, 0, 0, false},
		{"not a number", map[string]string{"ADUAN_WHATSAPP_RATE_CHAT": "fast"}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"ADUAN_TELEGRAM_RATE_CHAT", "ADUAN_TELEGRAM_RATE_GLOBAL", "ADUAN_WHATSAPP_RATE_CHAT", "ADUAN_WHATSAPP_RATE_GLOBAL"} {
				t.Setenv(k, tt.env[k])
			}
			got, err := sendLimits()
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				return
			}
			tg := got[bot.ChannelTelegram]
			if tg.PerChatPerSecond != tt.chat || tg.GlobalPerSecond != tt.gl || tg.PerChatBurst != bot.DefaultLimits()[bot.ChannelTelegram].PerChatBurst {
				t.Errorf("telegram limit = %+v", tg)
			}
		})
	}
}
