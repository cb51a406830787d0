package main

import (
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

// SIGTERM to a worker while it is delivering a comment to a busy agent: the
// worker stops polling, gives the delivery its stop timeout, and exits 0;
// the next worker delivers the comment, once.
func TestE2ESigtermDuringADeliveryLosesNothing(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks), withConfig(func(c *config.Config) { c.WorkerStopTimeout = 2 * time.Second }))
	s.seed()
	runID := s.assign()
	if err := s.world.Coder.SetWorking(runID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(runID); err != nil {
		t.Fatal(err)
	}
	s.worker.Stop()
	child := s.startChildWorker()
	polls := s.world.Coder.Polls(runID)
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "sent across a restart"), "d-sigterm")
	eventually(t, "the child waiting on the busy agent", func() bool { return s.world.Coder.Polls(runID) > polls+2 })

	start := time.Now()
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err != nil {
		t.Fatalf("worker exited with %v after SIGTERM, want 0", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("worker took %s to stop", took)
	}
	s.startWorker()
	if err := s.world.Coder.Release(runID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.SetIdle(runID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the comment delivered", func() bool { return s.blocks(runID) == 1 })
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-sigterm-close")
	eventually(t, "the run ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
	if n := s.blocks(runID); n != 1 {
		t.Fatalf("comment delivered %d times, want once", n)
	}
}

// SIGTERM while the send itself is in flight: the stop timeout lets the
// send finish instead of cutting it halfway, and it is not sent again.
func TestE2ESigtermMidSendFinishesTheSend(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks), withConfig(func(c *config.Config) { c.WorkerStopTimeout = 5 * time.Second }))
	s.seed()
	runID := s.assign()
	s.worker.Stop()
	child := s.startChildWorker()
	stall := s.world.Coder.StallRequests("POST", "/api/v2/tasks/")
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "in flight at SIGTERM"), "d-midsend")
	<-stall.Held()
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Once the worker is stopping, the held send goes through.
	s.waitChild(childStopping)
	stall.Release()
	if err := child.Wait(); err != nil {
		t.Fatalf("worker exited with %v after SIGTERM, want 0", err)
	}
	if got := len(s.world.Coder.Sent(runID)); got != 1 {
		t.Fatalf("sent %d inputs by the stopping worker, want its send finished", got)
	}
	s.startWorker()
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-midsend-close")
	eventually(t, "the run ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
	if n := s.blocks(runID); n != 1 {
		t.Fatalf("comment delivered %d times, want once", n)
	}
}
