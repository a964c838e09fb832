package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	_ "modernc.org/sqlite" // registers "sqlite", pure Go: no cgo
)

// OpenStore opens (and creates or migrates) the whatsmeow device store of
// cfg: "sqlite" with the pure-Go modernc driver, or "pgx" for PostgreSQL. Its
// tables are prefixed whatsmeow_, so it may share an application database.
// For SQLite the DSN must enable foreign keys (DefaultStoreDSN does); the
// file's directory is created, and the file is made readable by its owner
// only (it holds the device's keys).
func OpenStore(ctx context.Context, cfg Config, log *slog.Logger) (*sqlstore.Container, error) {
	cfg = cfg.withDefaults()
	switch cfg.StoreDialect {
	case "sqlite", "pgx":
	default:
		return nil, fmt.Errorf("whatsapp store: dialect %q: want \"sqlite\" or \"pgx\"", cfg.StoreDialect)
	}
	file := sqliteFile(cfg)
	if file != "" {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, fmt.Errorf("whatsapp store: %w", err)
		}
	}
	c, err := sqlstore.New(ctx, cfg.StoreDialect, cfg.StoreDSN, NewLogger(log, "store"))
	if err != nil {
		return nil, fmt.Errorf("whatsapp store (%s): %w", cfg.StoreDialect, err)
	}
	if file != "" {
		// The store holds the device's keys: whoever reads it can act as the number.
		_ = os.Chmod(file, 0o600)
	}
	return c, nil
}

// sqliteFile is the database file of a "file:" SQLite DSN ("" otherwise).
func sqliteFile(cfg Config) string {
	if cfg.StoreDialect != "sqlite" || !strings.HasPrefix(cfg.StoreDSN, "file:") {
		return ""
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(cfg.StoreDSN, "file:"), "?")
	if path == "" || path == ":memory:" {
		return ""
	}
	return path
}

// DeviceName is the name shown under "Linked devices" on the phone.
const DeviceName = "Aduan"

// NewClient returns a whatsmeow client on the store's first device (a new,
// unlinked one if the store is empty), configured for at-least-once intake
// (see New).
func NewClient(ctx context.Context, c *sqlstore.Container, log *slog.Logger) (*whatsmeow.Client, error) {
	dev, err := c.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("whatsapp store: load device: %w", err)
	}
	store.SetOSInfo(DeviceName, [3]uint32{1, 0, 0})
	cli := whatsmeow.NewClient(dev, NewLogger(log, "client"))
	configure(cli, func() bool { return false })
	return cli, nil
}
