package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/workflows"
)

// reconcile runs the redelivery reconciler once on the stack's workers.
func (s *stack) reconcile(in workflows.RedeliveryInput) workflows.RedeliveryResult {
	s.t.Helper()
	run, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{TaskQueue: s.cfg.TemporalTaskQueue}, workflows.RedeliveryWorkflowName, in)
	if err != nil {
		s.t.Fatal(err)
	}
	var res workflows.RedeliveryResult
	if err := run.Get(context.Background(), &res); err != nil {
		s.t.Fatalf("reconciler: %v", err)
	}
	return res
}

// Temporal is down: the ingress answers 503 and GitHub logs the failed
// delivery (and never retries it by itself). Temporal comes back: the
// reconciler finds the delivery and asks GitHub to redeliver it, and the
// issue gets exactly one task. The next run asks for nothing.
func TestE2EReconcilerRedeliversWhatTemporalMissed(t *testing.T) {
	s := newStack(t)
	s.seed()
	cfg := *s.cfg
	cfg.TemporalAddress = "127.0.0.1:1"
	dead, err := dialLazy(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	h, err := newIngress(t.Context(), &cfg, dead, s.logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	down := httptest.NewServer(h)
	defer down.Close()

	s.world.GitHub.SetWebhook(down.URL+"/webhooks/github", s.cfg.WebhookSecret)
	guid, status := s.world.GitHub.Deliver("issues", "assigned", assignedBody())
	if status != http.StatusServiceUnavailable {
		t.Fatalf("delivery while Temporal is down answered %d, want 503", status)
	}
	// A delivery that did get through is not asked for again.
	if _, status := s.world.GitHub.Deliver("ping", "", []byte(`{"zen":"hi","hook_id":1}`)); status != http.StatusOK {
		t.Fatalf("ping answered %d", status)
	}

	s.world.GitHub.SetWebhook(s.ingress.URL+"/webhooks/github", s.cfg.WebhookSecret) // Temporal is back
	res := s.reconcile(workflows.RedeliveryInput{})
	if len(res.Found) != 1 || res.Found[0].GUID != guid || res.Requested != 1 {
		t.Fatalf("reconciler found %+v and asked for %d, want the one failed delivery", res.Found, res.Requested)
	}
	eventually(t, "the redelivered assignment's task", func() bool {
		return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusText(), "Task is running: ")
	})
	var redelivered int
	for _, a := range s.world.GitHub.Attempts() {
		if a.GUID == guid && a.Redelivery {
			redelivered++
			if a.StatusCode != http.StatusAccepted {
				t.Fatalf("redelivery answered %d", a.StatusCode)
			}
		}
	}
	if redelivered != 1 {
		t.Fatalf("%d redeliveries of %s, want 1", redelivered, guid)
	}
	if again := s.reconcile(workflows.RedeliveryInput{}); len(again.Found) != 0 || again.Requested != 0 {
		t.Fatalf("second run found %+v, want nothing", again.Found)
	}
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Fatalf("runs created = %d, want exactly one", n)
	}
}

// `code-factory redeliver --dry-run` lists what never arrived and asks for
// nothing.
func TestE2ERedeliverCommandDryRun(t *testing.T) {
	s := newStack(t)
	s.world.GitHub.SetWebhook("http://127.0.0.1:1/webhooks/github", s.cfg.WebhookSecret) // nobody listening
	guid, _ := s.world.GitHub.Deliver("issues", "assigned", assignedBody())
	t.Setenv("APP_ID", "42")
	t.Setenv("PRIVATE_KEY", string(s.world.KeyPEM))
	t.Setenv("GITHUB_API_URL", s.world.GitHub.URL())
	t.Setenv("AGENT_GITHUB_USERNAME", e2eAgent)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"redeliver", "--since", "1h", "--dry-run"}, &out, &errOut); code != 0 {
		t.Fatalf("redeliver exited %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), guid) || !strings.Contains(out.String(), "issues.assigned") || !strings.Contains(out.String(), "dry run") {
		t.Fatalf("redeliver printed:\n%s", out.String())
	}
	if n := len(s.world.GitHub.Attempts()); n != 1 {
		t.Fatalf("%d attempts after a dry run, want the one", n)
	}
}
