package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
	"io/fs"
	"net"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/resolver"
	"go.temporal.io/server/schema"
)

// Postgres runs the server on PostgreSQL instead of SQLite: the shape of a
// production cluster (code-factory's cluster test). The two databases are
// created and their schemas set up the first time (the latest schema of
// this server version, recorded in schema_version as the SQL tool does).
type Postgres struct {
	// Addr is host:port; User and Password log in.
	Addr, User, Password string
	// Database and VisibilityDatabase default to "temporal" and
	// "temporal_visibility".
	Database, VisibilityDatabase string
}

func (p Postgres) sql(db string) *config.SQL {
	return &config.SQL{
		PluginName: pgplugin.PluginName, ConnectAddr: p.Addr, ConnectProtocol: "tcp",
		User: p.User, Password: p.Password, DatabaseName: db,
		MaxConns: 20, MaxIdleConns: 20,
	}
}

func (p Postgres) databases() (main, visibility string) {
	main, visibility = p.Database, p.VisibilityDatabase
	if main == "" {
		main = "temporal"
	}
	if visibility == "" {
		visibility = "temporal_visibility"
	}
	return main, visibility
}

// setupPostgres creates each database and loads its schema unless it has a
// schema version already.
func setupPostgres(p Postgres) (mainCfg, visCfg *config.SQL, err error) {
	if _, _, err := net.SplitHostPort(p.Addr); err != nil {
		return nil, nil, fmt.Errorf("devserver: postgres address %q: %w", p.Addr, err)
	}
	mainDB, visDB := p.databases()
	for _, s := range []struct {
		db, dir string
		kind    sqlplugin.DbKind
	}{{mainDB, "postgresql/v12/temporal", sqlplugin.DbKindMain}, {visDB, "postgresql/v12/visibility", sqlplugin.DbKindVisibility}} {
		if err := setupDatabase(p, s.db, s.dir, s.kind); err != nil {
			return nil, nil, err
		}
	}
	return p.sql(mainDB), p.sql(visDB), nil
}

func setupDatabase(p Postgres, db, dir string, kind sqlplugin.DbKind) error {
	noDB := p.sql("postgres")
	admin, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, noDB, resolver.NewNoopResolver(), log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("devserver: connect to postgres: %w", err)
	}
	err = admin.CreateDatabase(db)
	if cerr := admin.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("devserver: create database %s: %w", db, err)
	}
	adb, err := sql.NewSQLAdminDB(kind, p.sql(db), resolver.NewNoopResolver(), log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("devserver: connect to %s: %w", db, err)
	}
	defer func() { _ = adb.Close() }()
	if v, err := adb.ReadSchemaVersion(db); err == nil && v != "" {
		return nil // set up before
	}
	raw, err := fs.ReadFile(schema.Assets(), dir+"/schema.sql")
	if err != nil {
		return fmt.Errorf("devserver: schema of %s: %w", db, err)
	}
	stmts, err := persistence.LoadAndSplitQueryFromReaders([]io.Reader{bytes.NewReader(raw)})
	if err != nil {
		return fmt.Errorf("devserver: schema of %s: %w", db, err)
	}
	for i, st := range stmts {
		if err := adb.Exec(st); err != nil {
			return fmt.Errorf("devserver: schema of %s, statement %d: %w", db, i, err)
		}
	}
	version := adb.ExpectedVersion()
	if err := adb.CreateSchemaVersionTables(); err != nil {
		return fmt.Errorf("devserver: schema version tables of %s: %w", db, err)
	}
	if err := adb.UpdateSchemaVersion(db, version, version); err != nil {
		return fmt.Errorf("devserver: schema version of %s: %w", db, err)
	}
	if err := adb.WriteSchemaUpdateLog("0", version, "", "initial version (code-factory devserver)"); err != nil {
		return fmt.Errorf("devserver: schema log of %s: %w", db, err)
	}
	return nil
}

// registerNamespace registers namespace (24h retention) through the
// frontend, retrying until it answers; one that exists is fine.
func registerNamespace(ctx context.Context, hostPort, namespace string, logger *slog.Logger) error {
	var lastErr error
	for {
		lastErr = func() error {
			nc, err := client.NewNamespaceClient(client.Options{HostPort: hostPort, Logger: sdklog.NewStructuredLogger(logger)})
			if err != nil {
				return err
			}
			defer nc.Close()
			err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
				Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
			})
			var exists *serviceerror.NamespaceAlreadyExists
			if errors.As(err, &exists) {
				return nil
			}
			return err
		}()
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devserver: register namespace %s: %w", namespace, errors.Join(ctx.Err(), lastErr))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
