package bottest

import (
	"bytes"
	"sync"
)

// LogBuffer collects log output written from many goroutines, so a test can
// check what the logs never contain: message text, names, phone numbers,
// tokens. Use it as the writer of a slog handler.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
