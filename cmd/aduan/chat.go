package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/terminal"
)

// runChat opens a chat with the bot in the terminal. Every input line is one
// citizen message; with stdin piped the conversation is scripted.
func runChat(ctx context.Context, args []string) error {
	return chat(ctx, args, os.Stdin, os.Stdout)
}

func chat(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	user := fs.String("user", "local", "chat id of the citizen in this terminal")
	lang := fs.String("lang", "id", "language hint for a new conversation (id or en)")
	settle := fs.Duration("settle", 300*time.Millisecond, "wait for replies this long after each line")
	c, err := loadConfig(&cmdChat, fs, args)
	if err != nil {
		return err
	}
	log := newLogger(c.LogFormat, c.logLevelOr("warn"))
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	term := terminal.New(a.dispatcher, a.media, *user, *lang, stdout)
	a.senders[bot.ChannelTerminal] = term
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := a.runWorkers(ctx)
	fmt.Fprintln(os.Stderr, "Aduan chat — type a message (Ctrl-D to quit). Try \"halo\".")
	err = term.Run(ctx, stdin, *settle)
	cancel()
	done()
	return err
}
