package console

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"
)

// Roles of console accounts.
const (
	RoleSupervisor = "supervisor" // sees and changes everything, reassigns, reveals personal data
	RoleAgency     = "agency"     // an agency admin: sees and works only their agency's reports
	RoleViewer     = "viewer"     // reads only (optionally limited to one agency)
)

// MinPasswordLen is the shortest password an account may have.
const MinPasswordLen = 10

// bcryptCost is the work factor of stored password hashes (a test seam:
// tests lower it to bcrypt.MinCost).
var bcryptCost = 12

var (
	// ErrNoAccount is returned for an unknown email.
	ErrNoAccount = errors.New("console: no such account")
	// ErrAccountExists is returned when adding an email that exists.
	ErrAccountExists = errors.New("console: account already exists")
)

// Account is an admin of the console. The password hash never leaves the
// package's store.
type Account struct {
	Email    string
	Name     string
	Role     string
	Agency   string // agency code; required for RoleAgency, optional for RoleViewer
	Disabled bool
	Created  time.Time
	// AlertChat is the Telegram chat linked for alerts ("": none) and
	// AlertEmail the admin's wish for email alerts too (alerts_account.go).
	AlertChat  string
	AlertEmail bool
	hash       []byte
}

// Supervisor reports whether the account sees everything.
func (a Account) Supervisor() bool { return a.Role == RoleSupervisor }

// CanWrite reports whether the account may change reports.
func (a Account) CanWrite() bool { return a.Role == RoleSupervisor || a.Role == RoleAgency }

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validate checks the fields of a new account.
func (a Account) validate() error {
	if _, err := mail.ParseAddress(a.Email); err != nil || strings.ContainsAny(a.Email, " <>") {
		return fmt.Errorf("invalid email %q", a.Email)
	}
	if strings.TrimSpace(a.Name) == "" {
		return errors.New("name is required")
	}
	switch a.Role {
	case RoleSupervisor:
	case RoleAgency:
		if a.Agency == "" {
			return errors.New("role agency needs --agency")
		}
	case RoleViewer:
	default:
		return fmt.Errorf("unknown role %q (supervisor, agency or viewer)", a.Role)
	}
	return nil
}

// Accounts stores admin accounts in Redis: one hash per account and a set of
// all emails.
type Accounts struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewAccounts returns the account store under prefix ("aduan").
func NewAccounts(rdb redis.UniversalClient, prefix string) *Accounts {
	if prefix == "" {
		prefix = "aduan"
	}
	return &Accounts{rdb: rdb, prefix: prefix}
}

func (s *Accounts) key(email string) string { return s.prefix + ":console:acct:" + email }
func (s *Accounts) setKey() string          { return s.prefix + ":console:accts" }

// Add creates an account with a password.
func (s *Accounts) Add(ctx context.Context, a Account, password string) error {
	a.Email = NormalizeEmail(a.Email)
	if err := a.validate(); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	ok, err := s.rdb.HSetNX(ctx, s.key(a.Email), "email", a.Email).Result()
	if err != nil {
		return fmt.Errorf("add account: %w", err)
	}
	if !ok {
		return ErrAccountExists
	}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, s.key(a.Email), map[string]any{
		"name": a.Name, "role": a.Role, "agency": a.Agency, "hash": string(hash),
		"disabled": "0", "created": time.Now().UTC().Format(time.RFC3339),
	})
	pipe.SAdd(ctx, s.setKey(), a.Email)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("add account: %w", err)
	}
	return nil
}

// Get loads an account by email.
func (s *Accounts) Get(ctx context.Context, email string) (Account, error) {
	email = NormalizeEmail(email)
	if email == "" {
		return Account{}, ErrNoAccount
	}
	m, err := s.rdb.HGetAll(ctx, s.key(email)).Result()
	if err != nil {
		return Account{}, fmt.Errorf("get account: %w", err)
	}
	if m["email"] == "" || m["role"] == "" {
		return Account{}, ErrNoAccount
	}
	created, _ := time.Parse(time.RFC3339, m["created"])
	return Account{
		Email: m["email"], Name: m["name"], Role: m["role"], Agency: m["agency"],
		Disabled: m["disabled"] == "1", Created: created, hash: []byte(m["hash"]),
		AlertChat: m[fieldAlertChat], AlertEmail: m[fieldAlertEmail] == "1",
	}, nil
}

// SetPassword replaces an account's password.
func (s *Accounts) SetPassword(ctx context.Context, email, password string) error {
	a, err := s.Get(ctx, email)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	if err := s.rdb.HSet(ctx, s.key(a.Email), "hash", string(hash)).Err(); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// SetDisabled disables or re-enables an account. A disabled account cannot log
// in, and its open sessions stop working at their next request.
func (s *Accounts) SetDisabled(ctx context.Context, email string, disabled bool) error {
	a, err := s.Get(ctx, email)
	if err != nil {
		return err
	}
	v := "0"
	if disabled {
		v = "1"
	}
	if err := s.rdb.HSet(ctx, s.key(a.Email), "disabled", v).Err(); err != nil {
		return fmt.Errorf("disable account: %w", err)
	}
	return nil
}

// List returns all accounts sorted by email.
func (s *Accounts) List(ctx context.Context) ([]Account, error) {
	emails, err := s.rdb.SMembers(ctx, s.setKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	sort.Strings(emails)
	out := make([]Account, 0, len(emails))
	for _, e := range emails {
		a, err := s.Get(ctx, e)
		if errors.Is(err, ErrNoAccount) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// dummyHash is compared against when an email is unknown, so that a login
// for a missing account costs as much as one for an existing account.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("aduan-dummy-password"), bcryptCost)
	return h
})

// Authenticate checks an email and password. It returns ErrNoAccount for an
// unknown email, a wrong password or a disabled account alike (after the same
// bcrypt work), so that callers cannot tell them apart by accident.
func (s *Accounts) Authenticate(ctx context.Context, email, password string) (Account, error) {
	a, err := s.Get(ctx, email)
	if err != nil && !errors.Is(err, ErrNoAccount) {
		return Account{}, err
	}
	hash := a.hash
	if len(hash) == 0 {
		hash = dummyHash()
	}
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if err != nil || !match || a.Disabled {
		return Account{}, ErrNoAccount
	}
	return a, nil
}

func hashPassword(password string) ([]byte, error) {
	if len([]rune(password)) < MinPasswordLen {
		return nil, fmt.Errorf("password must have at least %d characters", MinPasswordLen)
	}
	if len(password) > 72 {
		return nil, errors.New("password must have at most 72 bytes")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}
