package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/workflows"
)

const capRunSHA = "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016"

// seedFailedRun makes the captured failed run belong to a PR by someone
// other than the agent, with failed jobs and the given config.
func (s *stack) seedFailedRun(config string) {
	s.world.Coder.AddUser(capSenderID, capAssigner)
	s.world.GitHub.SetPullRequest(capOwner, capRepo, fakegithub.PullRequest{Number: 64, Author: "someone-else", HeadSHA: capRunSHA})
	s.world.GitHub.SetRunJobs(capOwner, capRepo, 23526809052, fakegithub.Job{ID: 9, Name: "unit", Conclusion: "failure"})
	s.world.GitHub.SetJobLog(9, "--- FAIL: TestParse\n")
	s.world.GitHub.SetFile(capOwner, capRepo, "", ".code-factory/config.toml", []byte(config))
}

const hookConfig = "[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"main\"]\nprompt_additions = \"Keep the fix minimal.\"\n"

func TestE2EFailedRunHookStartsOneTask(t *testing.T) {
	s := newStack(t)
	s.seedFailedRun(hookConfig)
	s.mustDeliver(http.StatusAccepted, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "run-1")
	eventually(t, "the hook's task", func() bool { return len(s.world.Coder.Created()) == 1 })
	created := s.world.Coder.Created()[0]
	var inputs map[string]any
	if err := json.Unmarshal([]byte(created.Body.Input), &inputs); err != nil {
		t.Fatalf("task input is not template inputs: %q", created.Body.Input)
	}
	prompt, _ := inputs["ai_prompt"].(string)
	if created.Owner != capAssigner || inputs["base_branch"] != "main" ||
		!strings.HasPrefix(prompt, "CI Check Failed on branch: main\nWorkflow: CI\n") ||
		!strings.Contains(prompt, "## unit\n--- FAIL: TestParse") || !strings.HasSuffix(prompt, "Keep the fix minimal.") {
		t.Fatalf("task for %q with inputs %v", created.Owner, inputs)
	}
	eventually(t, "the pending status", func() bool { return len(s.world.GitHub.Statuses(capOwner, capRepo, capRunSHA)) >= 1 })
	st := s.world.GitHub.Statuses(capOwner, capRepo, capRunSHA)[0]
	if st.State != "pending" || st.Context != "code-factory/failed-run" || !strings.Contains(st.TargetURL, created.TaskID) {
		t.Fatalf("status = %+v, want pending linking the task", st)
	}

	// A redelivery under a new delivery id starts no second task.
	s.mustDeliver(http.StatusAccepted, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "run-1-again")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-1-again")

	// The agent works and goes idle: success status, task deleted.
	working, idle := "working", "idle"
	eventually(t, "the task active", func() bool { tk, ok := s.world.Coder.Task(created.TaskID); return ok && tk.Status == "active" })
	if err := s.world.Coder.SetTask(created.TaskID, "active", &working); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(created.TaskID); err != nil {
		t.Fatal(err)
	}
	polls := s.world.Coder.Count("GET", "/api/v2/tasks/"+capAssigner+"/"+created.TaskID)
	eventually(t, "the working task polled", func() bool {
		return s.world.Coder.Count("GET", "/api/v2/tasks/"+capAssigner+"/"+created.TaskID) > polls
	})
	if err := s.world.Coder.Release(created.TaskID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.SetTask(created.TaskID, "active", &idle); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the task deleted", func() bool {
		return s.world.Coder.Count("DELETE", "/api/v2/tasks/"+capAssigner+"/"+created.TaskID) == 1
	})
	last := s.world.GitHub.Statuses(capOwner, capRepo, capRunSHA)
	if got := last[len(last)-1]; got.State != "success" {
		t.Fatalf("final status = %+v, want success", got)
	}
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Fatalf("tasks created = %d, want 1", n)
	}
}

func TestE2EFailedRunWithoutMatchingHookDoesNothing(t *testing.T) {
	s := newStack(t)
	s.seedFailedRun("[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"release\"]\n")
	s.mustDeliver(http.StatusAccepted, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "run-x")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-x")
	if n := len(s.world.Coder.Requests()); n != 0 {
		t.Fatalf("Coder requests = %d, want none", n)
	}
}

func TestE2EFailedRunHookRefusesActorWithoutWriteAccess(t *testing.T) {
	s := newStack(t)
	s.seedFailedRun(hookConfig)
	s.world.GitHub.SetPermission(capOwner, capRepo, capAssigner, "read")
	s.mustDeliver(http.StatusAccepted, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "run-ro")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-relay-run-ro") // the relay starts the hook's workflow
	id := workflows.FailedRunWorkflowID(s.cfg.CoderTaskNamePrefix, capOwner, capRepo, capRunSHA, "ci.yml", "main")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := s.client.GetWorkflow(ctx, id, "").Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "no write access") {
		t.Fatalf("hook workflow ended with %v, want a refusal naming the missing write access", err)
	}
	if n := s.world.Coder.Count("POST", "/api/v2/tasks"); n != 0 {
		t.Fatalf("task creations = %d, want 0", n)
	}
}
