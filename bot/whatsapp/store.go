package whatsapp

import (
	"context"
	"fmt"
	"log/slog"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	_ "modernc.org/sqlite" // registers "sqlite", pure Go: no cgo
)

// OpenStore opens (and creates or migrates) the whatsmeow device store of
// cfg: "sqlite" with the pure-Go modernc driver, or "pgx" for PostgreSQL. Its
// tables are prefixed whatsmeow_, so it may share an application database.
// For SQLite the directory of the file must exist and the DSN must enable
// foreign keys (DefaultStoreDSN does).
func OpenStore(ctx context.Context, cfg Config, log *slog.Logger) (*sqlstore.Container, error) {
	cfg = cfg.withDefaults()
	switch cfg.StoreDialect {
	case "sqlite", "pgx":
	default:
		return nil, fmt.Errorf("whatsapp store: dialect %q: want \"sqlite\" or \"pgx\"", cfg.StoreDialect)
	}
	c, err := sqlstore.New(ctx, cfg.StoreDialect, cfg.StoreDSN, NewLogger(log, "store"))
	if err != nil {
		return nil, fmt.Errorf("whatsapp store (%s): %w", cfg.StoreDialect, err)
	}
	return c, nil
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
