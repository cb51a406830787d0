//go:build !prod

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/devserver"
)

// runTemporalServer runs the embedded Temporal server alone, on SQLite or
// on PostgreSQL, until SIGTERM: the stand-in for an external cluster in
// the cluster test (scripts/cluster-test). Dev build only.
func runTemporalServer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("temporal-server", "Runs a Temporal server (frontend, history, matching, worker) alone, on SQLite or PostgreSQL.\nThe PostgreSQL password is read from TEMPORAL_PG_PASSWORD.", stderr)
	addr := fs.String("address", devserver.DefaultFrontendAddress, "frontend host:port")
	namespace := fs.String("namespace", devserver.DefaultNamespace, "namespace to register")
	db := fs.String("db", devserver.MemoryDB, "SQLite file (without --postgres)")
	pg := fs.String("postgres", "", "PostgreSQL host:port; empty for SQLite")
	pgUser := fs.String("pg-user", "temporal", "PostgreSQL user")
	shards := fs.Int("shards", 4, "history shards (fixed for a database's life)")
	uiPort := fs.Int("ui-port", devserver.UIDisabled, "Web UI port (-1: none)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	logger, err := config.NewLogger("text", "info", stderr)
	if err != nil {
		return 1
	}
	opts := devserver.Options{DB: *db, FrontendAddress: *addr, Namespace: *namespace, UIPort: *uiPort, HistoryShards: *shards,
		Logger: logger.With("component", "temporal-server")}
	if *pg != "" {
		opts.Postgres = &devserver.Postgres{Addr: *pg, User: *pgUser, Password: os.Getenv("TEMPORAL_PG_PASSWORD")}
	}
	srv, err := devserver.Start(ctx, opts)
	if err != nil {
		return fail(logger, err)
	}
	fmt.Fprintf(stdout, "temporal server ready on %s\n", srv.FrontendAddress())
	<-ctx.Done()
	return fail(logger, stopServer(srv, logger))
}

func stopServer(srv *devserver.Server, logger *slog.Logger) error {
	logger.Info("stopping the Temporal server")
	return srv.Stop()
}
