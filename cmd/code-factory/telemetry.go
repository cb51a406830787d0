package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/ingress"
	"github.com/code-factory/code-factory/internal/config"
)

// telemetry is one process's metrics registry, the Temporal SDK's metrics
// and (optionally) tracing, and the business metrics on top.
type telemetry struct {
	reg       *prometheus.Registry
	sdk       client.MetricsHandler
	tracing   interceptor.Interceptor
	ingress   *ingress.Metrics
	business  *activities.Metrics
	shutdowns []func(context.Context) error
}

// newTelemetry builds the registry served at /metrics: Go and process
// metrics, the SDK's worker and client metrics (through OpenTelemetry's
// Prometheus exporter into the same registry), ours; and tracing from
// ingress to workflow to activities when OTEL_EXPORTER_OTLP_ENDPOINT is
// set (the exporter reads the OTEL_* variables itself).
func newTelemetry(ctx context.Context, cfg *config.Config) (*telemetry, error) {
	t := &telemetry{reg: prometheus.NewRegistry()}
	t.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(t.reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	t.shutdowns = append(t.shutdowns, mp.Shutdown)
	t.sdk = temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                mp.Meter("temporal-sdk"),
		UseMonotonicCounters: true,
		OnError:              func(error) {}, // a metric that cannot be recorded must not crash the worker
	})
	t.ingress = ingress.NewMetrics(t.reg)
	t.business = activities.NewMetrics(t.reg)
	if cfg.OTLPEndpoint != "" {
		te, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, err
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(te))
		t.shutdowns = append(t.shutdowns, tp.Shutdown)
		if t.tracing, err = temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{Tracer: tp.Tracer("code-factory")}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ingressMetrics is nil without telemetry.
func (t *telemetry) ingressMetrics() *ingress.Metrics {
	if t == nil {
		return nil
	}
	return t.ingress
}

// handler serves the registry in Prometheus text format.
func (t *telemetry) handler() http.Handler {
	return promhttp.HandlerFor(t.reg, promhttp.HandlerOpts{Registry: t.reg})
}

// interceptors are the client interceptors (tracing, when on).
func (t *telemetry) interceptors() []interceptor.ClientInterceptor {
	if t.tracing == nil {
		return nil
	}
	return []interceptor.ClientInterceptor{t.tracing}
}

// close flushes the meter and tracer providers.
func (t *telemetry) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, f := range t.shutdowns {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// servePprof serves net/http/pprof on addr (PPROF_ADDR) until ctx ends.
func servePprof(ctx context.Context, addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		if err := serveHTTP(ctx, addr, mux, logger.With("component", "pprof")); err != nil {
			logger.Error("pprof listener", "error", err)
		}
	}()
}
