package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/api/console"
)

// runAdmin manages console accounts: add, passwd, disable, list. Passwords
// come from a prompt or stdin, never from a flag. Help (`aduan admin
// --help`, `aduan admin add --help`) never opens Redis.
func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "Usage: aduan %s %s\nCommands:\n%s\n", cmdAdmin.name, cmdAdmin.synopsis, adminCommands)
		return usageError{errors.New("admin: which command? (add, passwd, disable, enable, unlock, list)")}
	}
	if isHelp(args[0]) {
		cmdAdmin.help(stdout, nil)
		fmt.Fprintf(stdout, "\nCommands:\n%s\n", adminCommands)
		return flag.ErrHelp
	}
	c, bad := readConfig(os.Getenv)
	if slices.ContainsFunc(args[1:], isHelp) {
		// The subcommand's own flags (console.AdminCommand defines them)
		// are printed by its parser, which stops at --help before it
		// touches Redis: it gets none.
		err := console.AdminCommand(ctx, noRedis(), c.RedisPrefix, args, os.Stdin, stdout)
		cmdAdmin.help(stdout, nil)
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return err
	}
	if bad = bad.only(cmdAdmin.env()); len(bad) > 0 {
		return bad
	}
	log := newLogger(c.LogFormat, "warn")
	rdb, closeRedis, err := openRedis(ctx, c.RedisURL, log, os.Stderr)
	if err != nil {
		return err
	}
	defer closeRedis()
	return console.AdminCommand(ctx, rdb, c.RedisPrefix, args, os.Stdin, os.Stdout)
}

// adminCommands are console.AdminCommand's subcommands.
const adminCommands = `  add --email E --name N --role supervisor|agency|viewer [--agency CODE]
  passwd --email E
  disable --email E
  enable --email E
  unlock --email E      clear a login lockout of the account
  list`

// noRedis is a client that never connects: help needs no Redis, and a
// command line that only looked like a request for help fails cleanly.
func noRedis() redis.UniversalClient {
	return redis.NewClient(&redis.Options{MaxRetries: -1, Dialer: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("not connected: aduan admin --help opens no Redis")
	}})
}
