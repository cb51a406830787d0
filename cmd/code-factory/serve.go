package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/config"
)

// errTemporalLost ends a process whose Temporal connection stayed down for
// TemporalLostAfter, so its supervisor restarts it instead of it running on
// as a zombie.
var errTemporalLost = errors.New("lost the connection to Temporal")

// serve runs the worker, the ingress, or both, until ctx ends. On SIGTERM
// the ingress stops accepting and finishes what is in flight first, then
// the worker stops polling and gives running activities WorkerStopTimeout.
// A worker-only process serves /healthz, /readyz and /metrics on
// HEALTH_PORT. It returns an error (a non-zero exit) when the worker hit a
// fatal error or Temporal stayed unreachable.
func serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, runWorker, runIngress bool) error {
	tel, err := newTelemetry(ctx, cfg)
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	defer func() {
		if err := tel.close(); err != nil {
			logger.Warn("telemetry shutdown", "error", err)
		}
	}()
	if cfg.PprofAddr != "" {
		servePprof(ctx, cfg.PprofAddr, logger)
	}
	c, err := dialTemporal(ctx, cfg, logger, tel)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if runWorker {
		acts, closeActs, err := newActivities(ctx, cfg, c, logger)
		if err != nil {
			return err
		}
		defer closeActs()
		acts.Metrics = tel.business
		w := newWorker(c, cfg, acts, func(err error) { stop(fmt.Errorf("worker: %w", err)) })
		if err := w.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		defer func() {
			logger.Info("worker stopping", "stop_timeout", cfg.WorkerStopTimeout.String())
			w.Stop()
			logger.Info("worker stopped")
		}()
		logger.Info("worker started", "task_queue", cfg.TemporalTaskQueue, "namespace", cfg.TemporalNamespace)
		go watchTemporal(ctx, c, cfg.TemporalLostAfter, logger, stop)
		if err := ensureRedeliverySchedule(ctx, c, cfg, logger); err != nil {
			logger.Error("redelivery reconciler not scheduled", "error", err)
		}
	}
	if runIngress {
		h, err := newIngress(ctx, cfg, c, logger, tel)
		if err != nil {
			return err
		}
		err = serveHTTP(ctx, listenAddr(cfg), h, logger)
		if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
			return cause
		}
		return err
	}
	if cfg.HealthPort != 0 {
		if err := serveHTTP(ctx, ":"+strconv.Itoa(cfg.HealthPort), healthHandler(c, tel), logger.With("component", "health")); err != nil {
			return err
		}
	} else {
		<-ctx.Done()
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// healthHandler is a worker-only process's /healthz (up), /readyz
// (Temporal reachable) and /metrics.
func healthHandler(c client.Client, tel *telemetry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"unavailable","reason":"temporal unreachable"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	})
	mux.Handle("GET /metrics", tel.handler())
	return mux
}

// watchTemporal checks the Temporal connection every few seconds and ends
// the process (through stop) once it has failed for lostAfter.
func watchTemporal(ctx context.Context, c client.Client, lostAfter time.Duration, logger *slog.Logger, stop context.CancelCauseFunc) {
	every := min(10*time.Second, max(lostAfter/4, 100*time.Millisecond))
	t := time.NewTicker(every)
	defer t.Stop()
	var downSince time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, every)
		_, err := c.CheckHealth(cctx, &client.CheckHealthRequest{})
		cancel()
		switch {
		case err == nil:
			downSince = time.Time{}
		case ctx.Err() != nil:
			return
		case downSince.IsZero():
			downSince = time.Now()
			logger.Warn("Temporal unreachable", "error", err)
		case time.Since(downSince) >= lostAfter:
			stop(fmt.Errorf("%w for %s: %v", errTemporalLost, lostAfter, err))
			return
		}
	}
}

// fail logs err and returns the exit code.
func fail(logger *slog.Logger, err error) int {
	if err != nil {
		logger.Error("code-factory stopped", "error", err)
		return 1
	}
	return 0
}
