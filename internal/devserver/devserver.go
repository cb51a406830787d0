// Package devserver runs a complete Temporal server (frontend, history,
// matching and worker) inside the current process on SQLite, with the
// Temporal Web UI, so `code-factory dev` and end-to-end tests need nothing
// installed.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/temporal"
)

// MemoryDB as Options.DB keeps everything in memory; it is gone when the
// process exits.
const MemoryDB = ":memory:"

// Defaults applied by Start.
const (
	DefaultFrontendAddress = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	// UIPortOffset is added to the frontend port when Options.UIPort is 0.
	UIPortOffset = 1000
	// UIDisabled as Options.UIPort turns the Web UI off.
	UIDisabled = -1
)

// Options configures Start. The zero value runs an in-memory server on
// 127.0.0.1:7233 with the UI on 8233.
type Options struct {
	// DB is the SQLite file (its directory is created; the schema is set up
	// the first time and reused afterwards), or MemoryDB. Empty means MemoryDB.
	DB string
	// FrontendAddress is the gRPC host:port clients dial; the host must be an
	// IP address or "localhost". Default DefaultFrontendAddress.
	FrontendAddress string
	// UIPort is the Web UI port on 127.0.0.1: 0 means the frontend port plus
	// UIPortOffset, UIDisabled turns the UI off.
	UIPort int
	// Namespace is registered if missing (24h retention). Default "default".
	Namespace string
	// Logger receives the server's logs; nil means slog.Default().
	Logger *slog.Logger
	// LogLevel is the least severe level of the server's own logs passed on:
	// debug, info, warn or error. Default DefaultLogLevel.
	LogLevel string
	// Postgres, when set, stores everything in PostgreSQL instead of DB.
	Postgres *Postgres
	// HistoryShards is the number of history shards (default 1); it must
	// not change for an existing database.
	HistoryShards int
}

// Server is a running in-process Temporal server.
type Server struct {
	srv       temporal.Server
	ui        *uiserver.Server
	frontend  string
	uiURL     string
	namespace string
	logger    *slog.Logger
	logFloor  *slog.LevelVar

	stopOnce sync.Once
	stopErr  error
}

// Start runs a Temporal server as described by opts and returns once the
// namespace can be described through the frontend. When ctx ends first,
// Start returns its error and the half-started server is stopped in the
// background.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.DB == "" {
		opts.DB = MemoryDB
	}
	if opts.FrontendAddress == "" {
		opts.FrontendAddress = DefaultFrontendAddress
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	level, err := parseLevel(opts.LogLevel)
	if err != nil {
		return nil, err
	}

	l, err := newLayout(opts.FrontendAddress, opts.UIPort)
	if err != nil {
		return nil, err
	}
	// The server exits the process when it cannot bind; fail politely first.
	bindAddr := net.JoinHostPort(l.frontendBindIP, strconv.Itoa(l.frontendPort))
	if err := checkBindable("frontend", bindAddr); err != nil {
		return nil, err
	}
	if l.uiPort != UIDisabled {
		if err := checkBindable("web UI", net.JoinHostPort(loopback, strconv.Itoa(l.uiPort))); err != nil {
			return nil, err
		}
	}

	stores, err := storesOf(opts)
	if err != nil {
		return nil, err
	}

	floor := &slog.LevelVar{}
	floor.Set(level)
	logger := newServerLogger(opts.Logger, floor)
	srv, err := temporal.NewServer(
		temporal.WithConfig(serverConfig(l, stores)),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(l.staticHosts()),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(devDynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: create server: %w", err)
	}
	if err := startServer(ctx, srv, opts.Logger); err != nil {
		return nil, err
	}

	s := &Server{srv: srv, frontend: l.frontendAddress(), namespace: opts.Namespace, logger: opts.Logger, logFloor: floor}
	if opts.Postgres != nil {
		if err := registerNamespace(ctx, s.frontend, s.namespace, logger.SLog()); err != nil {
			return nil, errors.Join(err, s.Stop())
		}
	}
	if err := waitReady(ctx, s.frontend, s.namespace, logger.SLog()); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if l.uiPort != UIDisabled {
		ui, err := startUI(ctx, opts.Logger, l.uiPort, s.frontend, s.namespace)
		if err != nil {
			return nil, errors.Join(err, s.Stop())
		}
		s.ui = ui
		s.uiURL = "http://" + net.JoinHostPort(loopback, strconv.Itoa(l.uiPort))
	}
	opts.Logger.Info("temporal dev server started",
		"frontend", s.frontend, "namespace", s.namespace, "ui", s.uiURL, "db", stores.describe)
	return s, nil
}

// startServer starts srv, giving up when ctx ends; a start that finishes
// after that is stopped again.
func startServer(ctx context.Context, srv temporal.Server, logger *slog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- srv.Start() }()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		if stopErr := srv.Stop(); stopErr != nil {
			logger.Warn("temporal dev server: stop after failed start", "error", stopErr)
		}
		return fmt.Errorf("devserver: start server: %w", err)
	case <-ctx.Done():
		go func() {
			if err := <-done; err != nil {
				logger.Warn("temporal dev server: abandoned start failed", "error", err)
			}
			if err := srv.Stop(); err != nil {
				logger.Warn("temporal dev server: stop after abandoned start", "error", err)
			}
		}()
		return fmt.Errorf("devserver: start server: %w", ctx.Err())
	}
}

// waitReady polls until the frontend answers DescribeNamespace for namespace.
func waitReady(ctx context.Context, hostPort, namespace string, logger *slog.Logger) error {
	var lastErr error
	for {
		lastErr = describeNamespace(ctx, hostPort, namespace, logger)
		if lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devserver: frontend not ready: %w", errors.Join(ctx.Err(), lastErr))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// describeNamespace makes one DescribeNamespace call through a fresh client.
func describeNamespace(ctx context.Context, hostPort, namespace string, logger *slog.Logger) error {
	nc, err := client.NewNamespaceClient(client.Options{
		HostPort: hostPort,
		Logger:   sdklog.NewStructuredLogger(logger),
	})
	if err != nil {
		return err
	}
	defer nc.Close()
	_, err = nc.Describe(ctx, namespace)
	return err
}

// FrontendAddress is the host:port SDK clients dial.
func (s *Server) FrontendAddress() string { return s.frontend }

// Namespace is the namespace Start registered.
func (s *Server) Namespace() string { return s.namespace }

// UIURL is the Web UI's base URL, or "" when the UI is disabled.
func (s *Server) UIURL() string { return s.uiURL }

// Stop shuts the UI and all services down. It is safe to call more than
// once and from several goroutines; later calls return the first result.
// The server's own logs are silenced first: shutting down makes every
// in-flight poll fail loudly, which is expected. An in-memory database lives
// on in the process after Stop.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logFloor.Set(silent)
		if s.ui != nil {
			s.ui.Stop()
		}
		if err := s.srv.Stop(); err != nil {
			s.stopErr = fmt.Errorf("devserver: stop: %w", err)
			return
		}
		s.logger.Info("temporal dev server stopped", "frontend", s.frontend)
	})
	return s.stopErr
}
