package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// scrape reads the ingress's /metrics.
func (s *stack) scrape() string {
	s.t.Helper()
	resp, err := http.Get(s.ingress.URL + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /metrics: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

// /metrics carries the Temporal SDK's own metrics and ours: deliveries by
// event and outcome, tasks created and deleted, inputs sent.
func TestE2EMetricsHaveTheSDKsAndOurs(t *testing.T) {
	s := newStack(t)
	s.seed()
	runID := s.assign()
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "a comment"), "d-metrics-c1")
	eventually(t, "the comment sent", func() bool { return s.blocks(runID) == 1 })
	// An unsigned request, with an event header anyone could send.
	req, _ := http.NewRequest(http.MethodPost, s.ingress.URL+"/webhooks/github", strings.NewReader("{}"))
	req.Header.Set("X-GitHub-Event", "made-up-event")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned delivery: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-metrics-close")
	eventually(t, "the run ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
	var m string
	eventually(t, "the task deletion counted", func() bool {
		m = s.scrape()
		return strings.Contains(m, `code_factory_tasks_total{event="deleted"`)
	})
	for _, want := range []string{
		`code_factory_webhook_deliveries_total{event="issues",outcome="started"} 1`,
		`code_factory_webhook_deliveries_total{event="issue_comment",outcome="signalled"} 1`,
		`code_factory_webhook_deliveries_total{event="unverified",outcome="rejected"} 1`,
		`code_factory_webhook_duration_seconds_bucket{event="issues"`,
		`code_factory_tasks_total{event="created",kind="chat"} 1`,
		`code_factory_inputs_sent_total{kind="chat"} 1`,
		"code_factory_input_wait_seconds_count 1",
		// The SDK's own client and worker metrics.
		"temporal_request_total",
		"temporal_workflow_task_execution_latency",
		"temporal_activity_execution_latency",
		"go_goroutines",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", m)
	}
}

// A failed activity attempt is logged with where it happened and what kind
// of failure it was, and the retry goes on.
func TestE2EFailedActivityAttemptIsLogged(t *testing.T) {
	s := newStack(t)
	s.seed()
	s.world.GitHub.FailNext("POST", "/repos/acme/widgets/issues/42/comments", http.StatusBadGateway, 1)
	s.assign()
	line := ""
	for _, l := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(l, "activity attempt failed") && strings.Contains(l, "activity=SetStatus") {
			line = l
		}
	}
	for _, want := range []string{"workflow_id=" + s.cfg.CoderTaskNamePrefix + "-acme/widgets-42", "run_id=", "attempt=1", "error_class=error", "retryable=true"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %q", want, line)
		}
	}
}
