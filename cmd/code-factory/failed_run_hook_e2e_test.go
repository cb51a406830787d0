package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

const (
	hookSHA    = "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016"
	hookRunID  = 23526809052
	hookConfig = "[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"main\"]\nprompt_additions = \"Keep the fix minimal.\"\n"
)

// hookRunBody is ci.yml failing on main for bob's PR #64, run by alice.
func hookRunBody() []byte {
	return payloads.WorkflowRun(e2eRepo, payloads.Run{
		ID: hookRunID, Name: "CI", Path: ".github/workflows/ci.yml", HeadSHA: hookSHA, HeadBranch: "main",
		Conclusion: "failure", PRs: []int{64}, Actor: alice,
	})
}

// seedFailedRun makes the failed run belong to a PR by someone other than
// the agent, with a failed job and the given config.
func (s *stack) seedFailedRun(config string) {
	s.world.Coder.AddUser(alice.ID, alice.Login)
	s.world.GitHub.SetPullRequest(e2eRepo.Owner, e2eRepo.Name, fakegithub.PullRequest{Number: 64, Author: bob.Login, HeadSHA: hookSHA})
	s.world.GitHub.SetRunJobs(e2eRepo.Owner, e2eRepo.Name, hookRunID, fakegithub.Job{ID: 9, Name: "unit", Conclusion: "failure"})
	s.world.GitHub.SetJobLog(9, "--- FAIL: TestParse\n")
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte(config))
}

func TestE2EFailedRunHookStartsOneTask(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seedFailedRun(hookConfig)
		s.mustPost(http.StatusAccepted, "workflow_run", hookRunBody(), "run-1")
		eventually(t, "the hook's run", func() bool { return len(s.world.Coder.Created()) == 1 })
		created := s.world.Coder.Created()[0]
		prompt := created.Input
		if api == fakecoder.APITasks {
			var inputs map[string]any
			if err := json.Unmarshal([]byte(created.Input), &inputs); err != nil || inputs["base_branch"] != "main" {
				t.Fatalf("task input = %q (%v), want template inputs on main", created.Input, err)
			}
			prompt, _ = inputs["ai_prompt"].(string)
		}
		if created.Owner != alice.Login || !strings.HasPrefix(prompt, "CI Check Failed on branch: main\nWorkflow: CI\n") ||
			!strings.Contains(prompt, "## unit\n--- FAIL: TestParse") || !strings.HasSuffix(prompt, "Keep the fix minimal.") {
			t.Fatalf("run for %q with prompt %q", created.Owner, prompt)
		}
		eventually(t, "the pending status", func() bool { return len(s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, hookSHA)) >= 1 })
		st := s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, hookSHA)[0]
		if st.State != "pending" || st.Context != "code-factory/failed-run" || !strings.Contains(st.TargetURL, created.ID) {
			t.Fatalf("status = %+v, want pending linking the run", st)
		}

		// A redelivery under a new delivery id starts no second run.
		s.mustPost(http.StatusAccepted, "workflow_run", hookRunBody(), "run-1-again")
		s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-1-again")

		// The agent works and goes idle: success status, run ended.
		s.agentWorksThenIdles(created.ID)
		eventually(t, "the run ended", func() bool { return s.world.Coder.Ends(created.ID) == 1 })
		last := s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, hookSHA)
		if got := last[len(last)-1]; got.State != "success" {
			t.Fatalf("final status = %+v, want success", got)
		}
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want 1", n)
		}
	})
}

func TestE2EFailedRunWithoutMatchingHookDoesNothing(t *testing.T) {
	s := newStack(t)
	s.seedFailedRun("[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"release\"]\n")
	s.world.Coder.Reset()
	s.mustPost(http.StatusAccepted, "workflow_run", hookRunBody(), "run-x")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-x")
	if n := len(s.world.Coder.Requests()); n != 0 {
		t.Fatalf("Coder requests = %d, want none", n)
	}
}

func TestE2EFailedRunHookRefusesActorWithoutWriteAccess(t *testing.T) {
	s := newStack(t)
	s.seedFailedRun(hookConfig)
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, alice.Login, "read")
	s.mustPost(http.StatusAccepted, "workflow_run", hookRunBody(), "run-ro")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-ro") // the relay starts the hook's workflow
	id := workflows.FailedRunWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, hookSHA, "ci.yml", "main")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := s.client.GetWorkflow(ctx, id, "").Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "no write access") {
		t.Fatalf("hook workflow ended with %v, want a refusal naming the missing write access", err)
	}
	if n := len(s.world.Coder.Created()); n != 0 {
		t.Fatalf("runs created = %d, want 0", n)
	}
}
