package devserver

import (
	"context"
	"log/slog"
)

// StartEphemeral starts a throwaway server for other packages' end-to-end
// tests: in-memory database, a free loopback port, no UI, namespace
// "default". Call it once from TestMain and Stop it before exiting; logger
// may be nil.
func StartEphemeral(ctx context.Context, logger *slog.Logger) (*Server, error) {
	addr, err := FreeAddress()
	if err != nil {
		return nil, err
	}
	return Start(ctx, Options{
		DB:              MemoryDB,
		FrontendAddress: addr,
		UIPort:          UIDisabled,
		Logger:          logger,
	})
}
