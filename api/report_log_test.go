package api_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/aduan-id/aduan/api"
)

// A contact logged by mistake shows neither name nor phone, in either handler.
func TestContactLogValue(t *testing.T) {
	c := api.Contact{Name: "Siti Rahayu", Phone: "+6281234567890"}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("x", "contact", c)
		out := buf.String()
		if strings.Contains(out, "Siti") || strings.Contains(out, "6281234567890") || !strings.Contains(out, "redacted") {
			t.Errorf("%s: %s", name, out)
		}
	}
}
