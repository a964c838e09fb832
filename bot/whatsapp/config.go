package whatsapp

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"time"
)

// Defaults of Config.
const (
	DefaultStoreDialect  = "sqlite"
	DefaultStoreDSN      = "file:data/whatsapp.db?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"
	DefaultLeaseTTL      = 30 * time.Second
	DefaultMaxPhotoBytes = 10 << 20
)

// Config configures the WhatsApp channel. Zero fields take the defaults.
type Config struct {
	// StoreDialect is the database/sql driver and dialect of the device store:
	// "sqlite" (pure-Go modernc driver, default) or "pgx" (PostgreSQL).
	StoreDialect string
	// StoreDSN is the data source name, e.g. DefaultStoreDSN or
	// "postgres://user:pw@host/db?sslmode=disable".
	StoreDSN string
	// MaxPhotoBytes is the largest image downloaded; larger ones are declined
	// before download (default 10 MiB).
	MaxPhotoBytes int64
	// LeaseTTL is how long the connection lease lives without renewal; it is
	// renewed every LeaseTTL/3 (default 30s).
	LeaseTTL time.Duration
	// InstanceID names this replica in the lease (default hostname-pid-random).
	InstanceID string
}

func (c Config) withDefaults() Config {
	if c.StoreDialect == "" {
		c.StoreDialect = DefaultStoreDialect
	}
	if c.StoreDSN == "" {
		c.StoreDSN = DefaultStoreDSN
	}
	if c.MaxPhotoBytes <= 0 {
		c.MaxPhotoBytes = DefaultMaxPhotoBytes
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.InstanceID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		c.InstanceID = host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
	}
	return c
}
