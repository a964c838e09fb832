package whatsapp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLoggerScrubsNumbersAndJIDs(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "client")
	log.Errorf("Failed to send to %s", "6281234567890:12@s.whatsapp.net")
	log.Warnf("identity changed for %s (phone +62 812-3456-7890)", "123456789012345@lid")
	log.Sub("Socket").Infof("Successfully paired %s", "6281234567890@s.whatsapp.net")
	log.Debugf("<message from=%q>", "6281234567890@s.whatsapp.net")
	got := buf.String()
	for _, leak := range []string{"6281234567890", "123456789012345", "812-3456-7890", "<message"} {
		if strings.Contains(got, leak) {
			t.Errorf("log holds %q:\n%s", leak, got)
		}
	}
	for _, want := range []string{"level=ERROR", "level=WARN", "module=client/Socket", "#" + HashID("6281234567890@s.whatsapp.net")} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
}
