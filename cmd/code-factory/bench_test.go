package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
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
	s.seed()
	s.assign()
	var samples []time.Duration
	// b.Loop runs this function once, so one stack (and one worker) serves
	// every iteration.
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		code, body := s.deliverBytes("issue_comment", commentBody(int64(8000000+i), alice, "bench"), fmt.Sprintf("bench-%d", i))
		samples = append(samples, time.Since(start))
		if code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, code, body)
		}
	}
	reportPercentiles(b, samples)
}

// settle is the pause between samples of the send benchmarks, so each
// comment finds the workflow waiting, as between real comments.
const settle = 20 * time.Millisecond

// benchSendB posts comments one at a time and reports how long each took,
// from the post to the fake Coder receiving it: ingress, Temporal signal,
// workflow task, permission check (cached after the first), eyes reaction,
// readiness check (tasks only) and send. busy keeps the agent working (a
// chat then queues each message; a task would never take one).
func benchSendB(b *testing.B, api fakecoder.API, busy bool) {
	s := newStack(b, onAPI(api))
	s.seed()
	runID := s.assign()
	if busy {
		if err := s.world.Coder.SetWorking(runID); err != nil {
			b.Fatal(err)
		}
		if err := s.world.Coder.Hold(runID); err != nil {
			b.Fatal(err)
		}
	}
	var samples []time.Duration
	for i := 0; b.Loop(); i++ {
		before := len(s.world.Coder.Messages(runID))
		start := time.Now()
		if code, body := s.deliverBytes("issue_comment", commentBody(int64(9000000+i), alice, "bench"), fmt.Sprintf("bench-send-%d", i)); code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, code, body)
		}
		var got []fakecoder.Message
		for got = s.world.Coder.Messages(runID); len(got) == before; got = s.world.Coder.Messages(runID) {
			time.Sleep(100 * time.Microsecond)
		}
		samples = append(samples, got[before].At.Sub(start))
		if !busy {
			// The agent finishes at once: the next send finds it idle.
			if err := s.world.Coder.SetIdle(runID); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(settle)
	}
	reportPercentiles(b, samples)
}

// BenchmarkWebhookToCoderSend measures comment → Coder with the agent idle,
// on each API.
// Run: go test ./cmd/code-factory -run '^$' -bench WebhookToCoderSend -benchtime 200x
func BenchmarkWebhookToCoderSend(b *testing.B) {
	for _, api := range apis {
		b.Run(string(api), func(b *testing.B) { benchSendB(b, api, false) })
	}
}

// BenchmarkWebhookToCoderSendBusyChat measures comment → Coder while a
// chat's agent works: Coder queues the message, so nothing waits.
// Run: go test ./cmd/code-factory -run '^$' -bench BusyChat -benchtime 200x
func BenchmarkWebhookToCoderSendBusyChat(b *testing.B) {
	benchSendB(b, fakecoder.APIChats, true)
}

// BenchmarkAssignToCreate measures an assignment → the task's create call
// at Coder, one issue at a time: ingress, SignalWithStart, the trigger
// policy (config read), issue check, permission, Coder user, planning, the
// repository's task slot (SlotsWorkflow round trip) and the create. Each
// issue is closed after, so the cap never queues one.
// Run: go test ./cmd/code-factory -run '^$' -bench AssignToCreate -benchtime 100x
func BenchmarkAssignToCreate(b *testing.B) {
	s := newStack(b)
	s.world.Coder.AddUser(alice.ID, alice.Login)
	var samples []time.Duration
	for i := 0; b.Loop(); i++ {
		n := 2000 + i
		before := len(s.world.Coder.Created())
		start := time.Now()
		s.assignIssue(n)
		for len(s.world.Coder.Created()) == before {
			time.Sleep(100 * time.Microsecond)
		}
		samples = append(samples, time.Since(start))
		run := s.world.Coder.Created()[before].ID
		s.closeIssue(n)
		for s.world.Coder.Ends(run) == 0 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	reportPercentiles(b, samples)
}
