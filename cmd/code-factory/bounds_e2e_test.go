package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/workflows"
)

// runSizes is the event count and byte size of every run of a workflow.
func (s *stack) runSizes(id string) (events, bytes []int) {
	s.t.Helper()
	resp, err := s.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = '%s'", id)})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, e := range resp.GetExecutions() {
		it := s.client.GetWorkflowHistory(context.Background(), id, e.GetExecution().GetRunId(), false, 0)
		n, b := 0, 0
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				s.t.Fatal(err)
			}
			n++
			b += proto.Size(ev)
		}
		events, bytes = append(events, n), append(bytes, b)
	}
	return events, bytes
}

// flood posts n comments while the agent is busy, lets it go idle, and
// waits for every one to be delivered once, in order.
func (s *stack) flood(runID, tag string, n int) {
	s.t.Helper()
	if err := s.world.Coder.SetWorking(runID); err != nil {
		s.t.Fatal(err)
	}
	if err := s.world.Coder.Hold(runID); err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		body := commentBody(int64(9000000+i), alice, fmt.Sprintf("%s %04d", tag, i))
		if code, b := s.deliverBytes("issue_comment", body, fmt.Sprintf("%s-%d", tag, i)); code != http.StatusAccepted {
			s.t.Fatalf("comment %d: %d %s", i, code, b)
		}
	}
	if err := s.world.Coder.Release(runID); err != nil {
		s.t.Fatal(err)
	}
	all := func() string { return strings.Join(s.world.Coder.Sent(runID), "\n") }
	deadline := time.Now().Add(5 * time.Minute) // bounds only a failing test
	for strings.Count(all(), tag+" ") != n {
		if time.Now().After(deadline) {
			s.t.Fatalf("%d of %d comments delivered", strings.Count(all(), tag+" "), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	text, last := all(), -1
	for i := 0; i < n; i++ {
		line := fmt.Sprintf("%s %04d\n", tag, i)
		at := strings.Index(text, line)
		if at < last || strings.Count(text, line) != 1 {
			s.t.Fatalf("comment %d out of order or not delivered once", i)
		}
		last = at
	}
}

// 2,000 comments to one issue: every run's history stays far under
// Temporal's limits (10,240 events, 10 MB warn; 51,200 and 50 MB fail), and
// none is lost.
func TestE2ETwoThousandSignalsKeepEveryRunBounded(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks))
	s.seed()
	runID := s.assign()
	s.flood(runID, "bulk", 2000)
	events, bytes := s.runSizes(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
	t.Logf("runs: events %v, bytes %v", events, bytes)
	for i := range events {
		if events[i] > 10_000 || bytes[i] > 8<<20 {
			t.Fatalf("run %d has %d events, %d bytes: over the bound", i, events[i], bytes[i])
		}
	}
}

// With a low bound, a flood during one long wait rolls the run over: the
// wait is cancelled, the run continues as new with everything queued, and
// every comment is still delivered once, in order.
func TestE2EFloodDuringAWaitRollsTheRunOver(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks), withConfig(func(c *config.Config) { c.MaxRunEvents = 150 }))
	s.seed()
	runID := s.assign()
	s.flood(runID, "roll", 400)
	events, _ := s.runSizes(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
	t.Logf("runs: events %v", events)
	if len(events) < 2 {
		t.Fatalf("%d runs, want the flood to roll the run over", len(events))
	}
}
