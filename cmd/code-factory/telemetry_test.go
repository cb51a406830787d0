package main

import (
	"context"
	"testing"

	"github.com/code-factory/code-factory/internal/config"
)

// Tracing is on only when OTEL_EXPORTER_OTLP_ENDPOINT is set; then the
// Temporal client carries the tracing interceptor from ingress to
// workflows to activities.
func TestTracingOnlyWithAnEndpoint(t *testing.T) {
	off, err := newTelemetry(context.Background(), &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(off.interceptors()) != 0 {
		t.Fatal("tracing interceptor without an endpoint")
	}
	if err := off.close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	on, err := newTelemetry(context.Background(), &config.Config{OTLPEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(on.interceptors()) != 1 {
		t.Fatal("no tracing interceptor with an endpoint")
	}
	if err := on.close(); err != nil {
		t.Logf("flushing to an absent collector: %v", err)
	}
}
