package console

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
)

func TestAdminCommand(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	accts := NewAccounts(rdb, prefix)
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := AdminCommand(ctxT(t), rdb, prefix, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	steps := []struct {
		name    string
		stdin   string
		args    []string
		wantErr string
		wantOut string
	}{
		{"add supervisor", "first password 1\n", []string{"add", "--email", "Boss@Sidoarjo.go.id", "--name", "Bu Ratna", "--role", "supervisor"}, "", "added boss@sidoarjo.go.id (supervisor)"},
		{"add agency admin", "agency password\n", []string{"add", "--email", "dlhk@sidoarjo.go.id", "--name", "Pak Budi", "--role", "agency", "--agency", "dlhk"}, "", "added dlhk@sidoarjo.go.id"},
		{"duplicate", "agency password\n", []string{"add", "--email", "dlhk@sidoarjo.go.id", "--name", "X", "--role", "viewer"}, "already exists", ""},
		{"agency role needs agency", "some password\n", []string{"add", "--email", "x@sidoarjo.go.id", "--name", "X", "--role", "agency"}, "needs --agency", ""},
		{"unknown role", "some password\n", []string{"add", "--email", "x@sidoarjo.go.id", "--name", "X", "--role", "root"}, "unknown role", ""},
		{"bad email", "some password\n", []string{"add", "--email", "not-an-email", "--name", "X", "--role", "viewer"}, "invalid email", ""},
		{"short password", "short\n", []string{"add", "--email", "x@sidoarjo.go.id", "--name", "X", "--role", "viewer"}, "at least 10", ""},
		{"no password on stdin", "", []string{"add", "--email", "x@sidoarjo.go.id", "--name", "X", "--role", "viewer"}, "no password", ""},
		{"password is never an argument", "", []string{"passwd", "--email", "boss@sidoarjo.go.id", "hunter2hunter2"}, "never arguments", ""},
		{"no --password flag", "", []string{"passwd", "--email", "boss@sidoarjo.go.id", "--password", "hunter2hunter2"}, "not defined", ""},
		{"passwd", "second password 2\r\n", []string{"passwd", "--email", "boss@sidoarjo.go.id"}, "", "password changed for boss@sidoarjo.go.id"},
		{"passwd of unknown account", "second password 2\n", []string{"passwd", "--email", "nobody@sidoarjo.go.id"}, "no such account", ""},
		{"disable", "", []string{"disable", "--email", "dlhk@sidoarjo.go.id"}, "", "disabled dlhk@sidoarjo.go.id"},
		{"list", "", []string{"list"}, "", "dlhk@sidoarjo.go.id  Pak Budi"},
		{"unknown subcommand", "", []string{"promote"}, "unknown subcommand", ""},
		{"no subcommand", "", nil, "usage", ""},
	}
	for _, st := range steps {
		out, err := run(st.stdin, st.args...)
		if st.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), st.wantErr) {
				t.Errorf("%s: err %v, want %q", st.name, err, st.wantErr)
			}
			continue
		}
		if err != nil || !strings.Contains(out, st.wantOut) {
			t.Errorf("%s: out %q err %v, want %q", st.name, out, err, st.wantOut)
		}
	}
	if _, err := accts.Authenticate(ctxT(t), "boss@sidoarjo.go.id", "first password 1"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("old password still works: %v", err)
	}
	a, err := accts.Authenticate(ctxT(t), "boss@sidoarjo.go.id", "second password 2")
	if err != nil || a.Role != RoleSupervisor || a.Name != "Bu Ratna" {
		t.Errorf("new password: %+v %v", a, err)
	}
	if _, err := accts.Authenticate(ctxT(t), "dlhk@sidoarjo.go.id", "agency password"); !errors.Is(err, ErrNoAccount) {
		t.Errorf("disabled account logs in: %v", err)
	}
	list, _ := run("", "list")
	if !strings.Contains(list, "DLHK") || !strings.Contains(list, "disabled") || strings.Contains(list, "$2a$") {
		t.Errorf("list output %q", list)
	}
	if out, err := run("", "enable", "--email", "dlhk@sidoarjo.go.id"); err != nil || !strings.Contains(out, "enabled") {
		t.Errorf("enable: %q %v", out, err)
	}
	// unlock clears an account's lockout.
	lim := &loginLimiter{rdb: rdb, prefix: prefix, max: 5, window: time.Minute}
	for range 5 {
		if err := lim.fail(ctxT(t), "boss@sidoarjo.go.id", "198.51.100.1"); err != nil {
			t.Fatal(err)
		}
	}
	if blocked, _, _ := lim.blocked(ctxT(t), "boss@sidoarjo.go.id", "198.51.100.2"); !blocked {
		t.Fatal("not locked out after 5 failures")
	}
	if out, err := run("", "unlock", "--email", "BOSS@sidoarjo.go.id"); err != nil || !strings.Contains(out, "unlocked boss@sidoarjo.go.id") {
		t.Errorf("unlock: %q %v", out, err)
	}
	if blocked, _, _ := lim.blocked(ctxT(t), "boss@sidoarjo.go.id", "198.51.100.2"); blocked {
		t.Error("still locked out after unlock")
	}
	// The stored hash is bcrypt, never the password.
	raw, _ := rdb.HGet(ctxT(t), prefix+":console:acct:boss@sidoarjo.go.id", "hash").Result()
	if !strings.HasPrefix(raw, "$2a$") || strings.Contains(raw, "second password") {
		t.Errorf("stored hash %q", raw)
	}
}
