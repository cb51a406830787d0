package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/code-factory/code-factory/internal/config"
)

// serve runs the worker, the ingress, or both, until ctx ends.
func serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, runWorker, runIngress bool) error {
	c, err := dialTemporal(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	if runWorker {
		acts, closeActs, err := newActivities(ctx, cfg, c, logger)
		if err != nil {
			return err
		}
		defer closeActs()
		w := newWorker(c, cfg, acts)
		if err := w.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		defer w.Stop()
		logger.Info("worker started", "task_queue", cfg.TemporalTaskQueue, "namespace", cfg.TemporalNamespace)
	}
	if !runIngress {
		<-ctx.Done()
		return nil
	}
	h, err := newIngress(ctx, cfg, c, logger)
	if err != nil {
		return err
	}
	return serveHTTP(ctx, listenAddr(cfg), h, logger)
}

// fail logs err and returns the exit code.
func fail(logger *slog.Logger, err error) int {
	if err != nil {
		logger.Error("code-factory stopped", "error", err)
		return 1
	}
	return 0
}
