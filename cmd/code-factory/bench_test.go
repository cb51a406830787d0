package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// reportPercentiles adds p50 and p99 of the samples, in milliseconds.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(p float64) float64 {
		return float64(samples[int(p*float64(len(samples)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkIngress202Comment measures the time to the ingress's 202 for a
// signed comment delivery: verify, parse, classify, and signal the issue
// workflow on the embedded Temporal server (persisted before the answer).
// Run: go test ./cmd/code-factory -run '^$' -bench Ingress202 -benchtime 300x
func BenchmarkIngress202Comment(b *testing.B) {
	s := newStack(b)
	s.seedCaptured()
	s.assign()
	var samples []time.Duration
	// b.Loop runs this function once, so one stack (and one worker) serves
	// every iteration.
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		code, body := s.deliver("issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", fmt.Sprintf("bench-%d", i))
		samples = append(samples, time.Since(start))
		if code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, code, body)
		}
	}
	reportPercentiles(b, samples)
}

// settle is the pause between samples of BenchmarkWebhookToCoderSend.
const settle = 20 * time.Millisecond

// BenchmarkWebhookToCoderSend measures, with an idle task, the time from
// posting a comment delivery to the fake Coder receiving the send: ingress,
// Temporal signal, workflow task, permission check (cached after the
// first), eyes reaction, readiness check and send.
// Run: go test ./cmd/code-factory -run '^$' -bench WebhookToCoderSend -benchtime 100x
func BenchmarkWebhookToCoderSend(b *testing.B) {
	s := newStack(b)
	s.seedCaptured()
	taskID := s.assign()
	blocks := func() int {
		return strings.Count(strings.Join(s.world.Coder.Sent(taskID), "\n"), "New Comment on Issue:")
	}
	idle := "idle"
	var samples []time.Duration
	for i := 0; b.Loop(); i++ {
		before := blocks()
		start := time.Now()
		if code, body := s.deliver("issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", fmt.Sprintf("bench-send-%d", i)); code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, code, body)
		}
		for blocks() == before {
			time.Sleep(200 * time.Microsecond)
		}
		samples = append(samples, time.Since(start))
		// The agent finishes at once: the next send finds the task idle.
		if err := s.world.Coder.SetTask(taskID, "active", &idle); err != nil {
			b.Fatal(err)
		}
		// Let the workflow finish its turn too, as between real comments. A
		// delivery landing while the previous workflow task is still being
		// completed waits for the next dispatch (about 100 ms here).
		time.Sleep(settle)
	}
	reportPercentiles(b, samples)
}
