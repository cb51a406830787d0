package devserver

import (
	"context"
	"log/slog"
	"net"
	"strconv"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI serves the Temporal Web UI from its embedded assets on
// 127.0.0.1:port, talking to the frontend at frontend, and waits until it
// accepts connections.
func startUI(ctx context.Context, logger *slog.Logger, port int, frontend, namespace string) (*uiserver.Server, error) {
	addr := net.JoinHostPort(loopback, strconv.Itoa(port))
	// The UI server exits the process when it cannot bind; fail politely first.
	if err := checkBindable("web UI", addr); err != nil {
		return nil, err
	}
	cfg := &uiconfig.Config{
		TemporalGRPCAddress: frontend,
		Host:                loopback,
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		HideLogs:            true,
		DisableNewsFetch:    true,
		// Served over plain http on loopback: the CSRF cookie must not be
		// marked Secure or browsers drop it.
		CORS: uiconfig.CORS{CookieInsecure: true},
	}
	ui := uiserver.NewServer(server_options.WithConfigProvider(cfg))
	// Start returns only after Stop (a bind failure exits the process, which
	// checkBindable makes unlikely).
	go func() {
		if err := ui.Start(); err != nil {
			logger.Error("temporal web UI stopped", "error", err)
		}
	}()
	if err := waitListening(ctx, addr); err != nil {
		ui.Stop()
		return nil, err
	}
	return ui, nil
}
