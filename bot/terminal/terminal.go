// Package terminal is the channel adapter for a chat in the terminal
// (`aduan chat`): each input line is a citizen message, replies are printed
// with numbered menus. It works with a TTY and with piped stdin, so a whole
// conversation can be scripted.
package terminal

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/flows"
)

// Adapter reads citizen lines and prints the bot's replies.
type Adapter struct {
	handler bot.Handler
	media   bot.MediaStore
	chatID  string
	lang    string

	mu   sync.Mutex
	out  io.Writer
	sent chan struct{} // a reply was printed
	run  string        // distinguishes message ids of this run from earlier ones
	seq  int
}

// New returns a terminal adapter for one citizen (chatID) writing to out.
func New(handler bot.Handler, media bot.MediaStore, chatID, lang string, out io.Writer) *Adapter {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Adapter{handler: handler, media: media, chatID: chatID, lang: lang, out: out,
		sent: make(chan struct{}, 64), run: hex.EncodeToString(b[:])}
}

var _ bot.Sender = (*Adapter)(nil)

// Send implements bot.Sender: it prints a reply, its choices as a numbered
// menu, and a hint for location, contact and photo questions.
func (a *Adapter) Send(ctx context.Context, msg bot.Outbound) error {
	if msg.ChatID != a.chatID {
		return nil // another terminal user's reply (a shared Redis): not ours to print
	}
	var b strings.Builder
	b.WriteString("bot> ")
	b.WriteString(strings.ReplaceAll(msg.Text, "\n", "\n     "))
	b.WriteByte('\n')
	for i, c := range msg.Choices {
		fmt.Fprintf(&b, "     %d. %s\n", i+1, c.Label)
	}
	a.mu.Lock()
	_, err := io.WriteString(a.out, b.String())
	a.mu.Unlock()
	select {
	case a.sent <- struct{}{}:
	default:
	}
	if err != nil {
		return &bot.SendError{Err: fmt.Errorf("print reply: %w", err), Permanent: true}
	}
	return nil
}

// Run reads lines from in until EOF or ctx is done. After each line it waits
// until the replies have been printed (quiet for settle), so piped
// conversations read in order.
func (a *Adapter) Run(ctx context.Context, in io.Reader, settle time.Duration) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		a.mu.Lock()
		fmt.Fprintf(a.out, "you> %s\n", line)
		a.mu.Unlock()
		msg := a.inbound(ctx, line)
		if _, err := a.handler.Handle(ctx, msg); err != nil {
			return fmt.Errorf("handle message: %w", err)
		}
		a.settle(ctx, settle)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	a.settle(ctx, settle)
	return nil
}

// inbound turns a line into a message: a path to an image file is a photo.
func (a *Adapter) inbound(ctx context.Context, line string) bot.Inbound {
	a.seq++
	msg := bot.Inbound{Channel: bot.ChannelTerminal, ChatID: a.chatID, UserID: a.chatID, Lang: a.lang,
		MessageID: fmt.Sprintf("%s-%d", a.run, a.seq), Text: line, Received: time.Now()}
	path := strings.TrimSpace(line)
	if a.media == nil || !(strings.HasPrefix(path, "/") || strings.HasPrefix(path, "./") || strings.HasPrefix(path, "~/")) {
		return msg
	}
	if strings.HasPrefix(path, "~/") {
		home, _ := os.UserHomeDir()
		path = home + path[1:]
	}
	f, err := os.Open(path)
	if err != nil {
		return msg // not a file: the text as typed
	}
	defer f.Close()
	ref, ct, size, err := a.media.Save(ctx, f)
	switch {
	case errors.Is(err, bot.ErrMediaType), errors.Is(err, bot.ErrMediaTooLarge):
		msg.Text, msg.Unsupported = "", "file"
	case err == nil:
		msg.Text = ""
		msg.Photos = append(msg.Photos, flows.Photo{Ref: ref, ContentType: ct, Size: size})
	}
	return msg
}

// settle waits until no reply was printed for d (and at least d overall).
func (a *Adapter) settle(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.sent:
			timer.Reset(d)
		case <-timer.C:
			return
		}
	}
}
