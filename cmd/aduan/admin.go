package main

import (
	"context"
	"flag"
	"os"

	"github.com/aduan-id/aduan/api/console"
)

// runAdmin manages console accounts: add, passwd, disable, list. Passwords
// come from a prompt or stdin, never from a flag.
func runAdmin(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	c, err := loadConfig(fs, nil)
	if err != nil {
		return err
	}
	log := newLogger(c.LogFormat, "warn")
	rdb, closeRedis, err := openRedis(ctx, c.RedisURL, log, os.Stderr)
	if err != nil {
		return err
	}
	defer closeRedis()
	return console.AdminCommand(ctx, rdb, c.RedisPrefix, args, os.Stdin, os.Stdout)
}
