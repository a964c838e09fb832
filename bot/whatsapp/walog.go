package whatsapp

import (
	"context"
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// slogLogger adapts whatsmeow's logger to slog. whatsmeow's errors and
// warnings go to slog at the same level, its info lines at debug, and its
// debug lines nowhere (they include protocol dumps). Every line is scrubbed
// of JIDs and phone numbers.
type slogLogger struct {
	log    *slog.Logger
	module string
}

// NewLogger returns a whatsmeow logger writing to log.
func NewLogger(log *slog.Logger, module string) waLog.Logger {
	if log == nil {
		return waLog.Noop
	}
	return slogLogger{log: log, module: module}
}

func (l slogLogger) emit(level slog.Level, msg string, args []any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	l.log.Log(context.Background(), level, scrub(fmt.Sprintf(msg, args...)), "module", l.module)
}

func (l slogLogger) Errorf(msg string, args ...any) { l.emit(slog.LevelError, msg, args) }
func (l slogLogger) Warnf(msg string, args ...any)  { l.emit(slog.LevelWarn, msg, args) }
func (l slogLogger) Infof(msg string, args ...any)  { l.emit(slog.LevelDebug, msg, args) }
func (l slogLogger) Debugf(string, ...any)          {}
func (l slogLogger) Sub(module string) waLog.Logger {
	return slogLogger{log: l.log, module: l.module + "/" + module}
}
