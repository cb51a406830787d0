package ingress

import (
	"github.com/google/go-github/v66/github"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the ingress's Prometheus metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	deliveries     *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	temporalErrors *prometheus.CounterVec
}

// NewMetrics registers the ingress metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "code_factory_webhook_deliveries_total",
			Help: "Webhook deliveries by GitHub event and outcome (started, signalled, skipped, rejected, error).",
		}, []string{"event", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "code_factory_webhook_duration_seconds",
			Help:    "Time from request to answer of a webhook delivery, Temporal call included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"event"}),
		temporalErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "code_factory_temporal_dispatch_errors_total",
			Help: "Failed Temporal starts and signals by the ingress, by decision and whether Temporal was unreachable.",
		}, []string{"decision", "unavailable"}),
	}
	reg.MustRegister(m.deliveries, m.latency, m.temporalErrors)
	return m
}

// eventLabel bounds the event label to GitHub's event names: an unverified
// request's header is anyone's text.
func eventLabel(event string, verified bool) string {
	switch {
	case !verified:
		return "unverified"
	case github.EventForType(event) == nil:
		return "other"
	}
	return event
}

func (m *Metrics) observe(event string, verified bool, outcome string, seconds float64) {
	if m == nil {
		return
	}
	e := eventLabel(event, verified)
	m.deliveries.WithLabelValues(e, outcome).Inc()
	m.latency.WithLabelValues(e).Observe(seconds)
}

func (m *Metrics) dispatchError(d Decision, unavailable bool) {
	if m == nil {
		return
	}
	u := "false"
	if unavailable {
		u = "true"
	}
	m.temporalErrors.WithLabelValues(decisionName(d), u).Inc()
}

// decisionName is a Decision's kind, for labels.
func decisionName(d Decision) string {
	switch d.(type) {
	case StartIssue:
		return "start_issue"
	case SignalIssue:
		return "signal_issue"
	case StartPRRelay:
		return "pr_relay"
	case StartRelay:
		return "relay"
	case StartConfig:
		return "config"
	case StartSweep:
		return "sweep"
	}
	return "other"
}
