package console

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/redis/go-redis/v9"
	"golang.org/x/term"
)

// AdminCommand runs `aduan admin <add|passwd|disable|enable|list> ...`: it
// manages console accounts in Redis. Passwords are never flags: they are read
// from a prompt (twice) when stdin is a terminal, else from the first line of
// stdin (e.g. `printf '%s\n' "$PW" | aduan admin add ...`).
//
//	aduan admin add --email a@b.id --name "Sari" --role supervisor|agency|viewer [--agency DLHK]
//	aduan admin passwd --email a@b.id
//	aduan admin disable --email a@b.id
//	aduan admin enable --email a@b.id
//	aduan admin unlock --email a@b.id   (clear a login lockout)
//	aduan admin list
func AdminCommand(ctx context.Context, rdb redis.UniversalClient, prefix string, args []string, stdin io.Reader, stdout io.Writer) error {
	accts := NewAccounts(rdb, prefix)
	if len(args) == 0 {
		return errors.New(adminUsage)
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("aduan admin "+sub, flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "account email (login name)")
	name := fs.String("name", "", "full name (add)")
	role := fs.String("role", "", "supervisor, agency or viewer (add)")
	agency := fs.String("agency", "", "agency code, required for role agency (add)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (passwords are never arguments: they are read from the terminal or stdin)", fs.Args())
	}
	needEmail := func() error {
		if *email == "" {
			return fmt.Errorf("aduan admin %s: --email is required", sub)
		}
		return nil
	}
	switch sub {
	case "add":
		if err := needEmail(); err != nil {
			return err
		}
		a := Account{Email: *email, Name: *name, Role: *role, Agency: strings.ToUpper(strings.TrimSpace(*agency))}
		a.Email = NormalizeEmail(a.Email)
		if err := a.validate(); err != nil {
			return fmt.Errorf("aduan admin add: %w", err)
		}
		pw, err := readPassword(stdin, stdout)
		if err != nil {
			return err
		}
		if err := accts.Add(ctx, a, pw); err != nil {
			return fmt.Errorf("aduan admin add %s: %w", a.Email, err)
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", a.Email, a.Role)
	case "passwd":
		if err := needEmail(); err != nil {
			return err
		}
		if _, err := accts.Get(ctx, *email); err != nil {
			return fmt.Errorf("aduan admin passwd %s: %w", *email, err)
		}
		pw, err := readPassword(stdin, stdout)
		if err != nil {
			return err
		}
		if err := accts.SetPassword(ctx, *email, pw); err != nil {
			return fmt.Errorf("aduan admin passwd %s: %w", *email, err)
		}
		fmt.Fprintf(stdout, "password changed for %s\n", NormalizeEmail(*email))
	case "disable", "enable":
		if err := needEmail(); err != nil {
			return err
		}
		if err := accts.SetDisabled(ctx, *email, sub == "disable"); err != nil {
			return fmt.Errorf("aduan admin %s %s: %w", sub, *email, err)
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, NormalizeEmail(*email))
	case "unlock":
		if err := needEmail(); err != nil {
			return err
		}
		l := &loginLimiter{rdb: rdb, prefix: accts.prefix}
		if err := l.succeed(ctx, NormalizeEmail(*email)); err != nil {
			return fmt.Errorf("aduan admin unlock %s: %w", *email, err)
		}
		fmt.Fprintf(stdout, "unlocked %s\n", NormalizeEmail(*email))
	case "list":
		list, err := accts.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tAGENCY\tSTATE")
		for _, a := range list {
			state := "active"
			if a.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Email, a.Name, a.Role, dash(a.Agency), state)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("unknown subcommand %q\n%s", sub, adminUsage)
	}
	return nil
}

const adminUsage = `usage: aduan admin <command>
  add --email E --name N --role supervisor|agency|viewer [--agency CODE]
  passwd --email E
  disable --email E
  enable --email E
  unlock --email E      (clear a login lockout of the account)
  list
The password is read from the terminal (asked twice) or from the first line of stdin.`

// readPassword asks twice on a terminal, or reads one line from a pipe.
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stdout, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("passwords do not match")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin (pipe it in, or run on a terminal)")
	}
	return pw, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
