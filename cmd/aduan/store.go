package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/flows"
)

// openStore opens the report database and applies its migrations. It says
// once, clearly, where reports are kept; a database that does not answer
// stops the start with the reason (and a schema newer than this binary
// refuses to be touched).
func openStore(ctx context.Context, c config, catalog *flows.Catalog, log *slog.Logger) (*sqlstore.Store, error) {
	store, err := sqlstore.Open(ctx, c.databaseDSN(), sqlstore.Options{Location: catalog.Region.Location(), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("report database: %w", err)
	}
	if c.DatabaseURL == "" {
		log.Warn("reports are kept in a SQLite file (set ADUAN_DATABASE_URL=postgres://… for PostgreSQL)",
			"file", c.databaseDSN())
	} else {
		log.Info("reports are kept in PostgreSQL", "dialect", store.Dialect())
	}
	return store, nil
}

// runMigrate applies the report database's migrations and says where the
// schema stands (Open migrates too; this is for operators who migrate
// before rolling out).
func runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	c, err := loadConfig(&cmdMigrate, fs, args)
	if err != nil {
		return err
	}
	log := newLogger(c.LogFormat, c.LogLevel)
	set, err := flows.Load(c.FlowsDir)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c, set.Catalog(), log)
	if err != nil {
		return err
	}
	defer store.Close()
	cur, known, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report database schema at version %d (this binary knows up to %d)\n", cur, known)
	return nil
}
