package activities

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the business metrics of the activities. A nil *Metrics
// records nothing.
type Metrics struct {
	tasks        *prometheus.CounterVec
	inputsSent   *prometheus.CounterVec
	inputWait    prometheus.Histogram
	ciRelays     prometheus.Counter
	redeliveries prometheus.Counter
}

// NewMetrics registers the business metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "code_factory_tasks_total",
			Help: "Coder runs (tasks or chats) by what happened: created, adopted, deleted, failed (could not be created).",
		}, []string{"event", "kind"}),
		inputsSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "code_factory_inputs_sent_total",
			Help: "Inputs (comments, CI failures) delivered to a Coder run, by run kind.",
		}, []string{"kind"}),
		inputWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "code_factory_input_wait_seconds",
			Help:    "How long a delivery waited for the run to be ready before its input was sent.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 15, 60, 300, 900, 1800},
		}),
		ciRelays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "code_factory_ci_relays_total",
			Help: "Failed CI runs relayed to an agent with their job logs.",
		}),
		redeliveries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "code_factory_redeliveries_requested_total",
			Help: "GitHub deliveries the reconciler asked GitHub to redeliver.",
		}),
	}
	reg.MustRegister(m.tasks, m.inputsSent, m.inputWait, m.ciRelays, m.redeliveries)
	return m
}

func (m *Metrics) task(event, kind string) {
	if m != nil {
		m.tasks.WithLabelValues(event, kind).Inc()
	}
}

func (m *Metrics) sent(kind string, waited time.Duration) {
	if m != nil {
		m.inputsSent.WithLabelValues(kind).Inc()
		m.inputWait.Observe(waited.Seconds())
	}
}

func (m *Metrics) ciRelay() {
	if m != nil {
		m.ciRelays.Inc()
	}
}

func (m *Metrics) redelivery(n int) {
	if m != nil {
		m.redeliveries.Add(float64(n))
	}
}
