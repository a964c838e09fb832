package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"

	"github.com/aduan-id/aduan/api/console"
)

// demoSupervisor is the account `aduan serve` creates when it runs on the
// in-memory Redis: `aduan admin add` runs in another process and cannot
// reach that memory, and the console should work on a fresh machine too.
const demoSupervisor = "admin@aduan.local"

// addDemoSupervisor creates the demo supervisor with a fresh random password
// and prints how to log in.
func (a *app) addDemoSupervisor(ctx context.Context, listen string, out io.Writer) error {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("demo password: %w", err)
	}
	password := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	acct := console.Account{Email: demoSupervisor, Name: "Demo Supervisor", Role: console.RoleSupervisor}
	if err := console.NewAccounts(a.rdb, a.cfg.RedisPrefix).Add(ctx, acct, password); err != nil {
		return fmt.Errorf("add demo supervisor: %w", err)
	}
	fmt.Fprintf(out, "⚠ In-memory mode: log in to the console at http://%s/console/ as %s with password %s (valid until aduan stops).\n",
		listen, demoSupervisor, password)
	return nil
}
