package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/aduan-id/aduan/api/console"
	"github.com/aduan-id/aduan/bot/redistest"
)

func TestDemoSupervisorCanLogIn(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a := &app{rdb: rdb, cfg: config{RedisPrefix: prefix}}
	var out bytes.Buffer
	if err := a.addDemoSupervisor(context.Background(), "127.0.0.1:8080", &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`as (\S+) with password (\S+) `).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no credentials printed: %q", out.String())
	}
	acct, err := console.NewAccounts(rdb, prefix).Authenticate(context.Background(), m[1], m[2])
	if err != nil || !acct.Supervisor() {
		t.Errorf("printed credentials do not log in a supervisor: %+v, %v", acct, err)
	}
}
