package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/workflows"
)

// latestOfType is the ID of the newest workflow of a type on this stack.
func (s *stack) latestOfType(workflowType string) string {
	s.t.Helper()
	resp, err := s.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowType = '%s'", workflowType),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, e := range resp.GetExecutions() {
		if id := e.GetExecution().GetWorkflowId(); len(id) > len(s.cfg.CoderTaskNamePrefix) && id[:len(s.cfg.CoderTaskNamePrefix)+1] == s.cfg.CoderTaskNamePrefix+"-" {
			return id
		}
	}
	s.t.Fatalf("no %s workflow", workflowType)
	return ""
}

// TestE2EMoreHistoriesReplay records the reconciler, a failed-run hook, a
// scheduled job and an issue run that continued as new, and replays them;
// UPDATE_HISTORIES writes them like TestE2EHistoriesReplay does.
func TestE2EMoreHistoriesReplay(t *testing.T) {
	recorded := map[string]*historypb.History{}
	s := newStack(t, onAPI(fakecoder.APITasks), withConfig(func(c *config.Config) { c.EventsPerRun = 2 }))
	s.seed()

	// The reconciler, with one failed delivery to redeliver.
	s.world.GitHub.SetWebhook("http://127.0.0.1:1/webhooks/github", s.cfg.WebhookSecret)
	s.world.GitHub.Deliver("issues", "assigned", assignedBody())
	s.world.GitHub.SetWebhook(s.ingress.URL+"/webhooks/github", s.cfg.WebhookSecret)
	id := s.cfg.CoderTaskNamePrefix + "-h-redelivery"
	run, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: s.cfg.TemporalTaskQueue}, workflows.RedeliveryWorkflowName, workflows.RedeliveryInput{})
	if err != nil || run.Get(context.Background(), nil) != nil {
		t.Fatalf("reconciler: %v", err)
	}
	recorded["redelivery-1"] = s.history(id)

	// The redelivered assignment's issue, past EventsPerRun: it continues as new.
	eventually(t, "the task", func() bool { return len(s.world.Coder.Created()) == 1 })
	runID := s.world.Coder.Created()[0].ID
	for i := range 3 {
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(int64(5101+i), alice, fmt.Sprintf("comment %d", i)), fmt.Sprintf("h-can-%d", i))
		eventually(t, fmt.Sprintf("comment %d sent", i), func() bool { return s.blocks(runID) == i+1 })
	}
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "h-can-close")
	issueID := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue)
	s.waitClosed(issueID)
	h := s.history(issueID)
	if attrs := h.Events[0].GetWorkflowExecutionStartedEventAttributes(); attrs.GetContinuedExecutionRunId() == "" {
		t.Fatal("the issue's last run did not continue as new")
	}
	recorded["issue-continued-as-new-1"] = h

	// A failed-run hook's task, to its end.
	// seedFailedRun without adding alice's Coder account a second time.
	s.world.GitHub.SetPullRequest(e2eRepo.Owner, e2eRepo.Name, fakegithub.PullRequest{Number: 64, Author: bob.Login, HeadSHA: hookSHA})
	s.world.GitHub.SetRunJobs(e2eRepo.Owner, e2eRepo.Name, hookRunID, fakegithub.Job{ID: 9, Name: "unit", Conclusion: "failure"})
	s.world.GitHub.SetJobLog(9, "--- FAIL: TestParse\n")
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte(hookConfig))
	s.mustPost(http.StatusAccepted, "workflow_run", hookRunBody(), "h-run")
	eventually(t, "the hook's run", func() bool { return len(s.world.Coder.Created()) == 2 })
	s.agentWorksThenIdles(s.world.Coder.Created()[1].ID)
	hookID := workflows.FailedRunWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, hookSHA, "ci.yml", "main")
	s.waitClosed(hookID)
	recorded["failed-run-1"] = s.history(hookID)

	// A scheduled job's firing, to its end.
	s.pushConfig("eeee000000000000000000000000000000000001", "h-push", "[[scheduled_jobs]]\nname = \"n\"\nbranch = \"main\"\nschedule = \"0 3 * * *\"\nprompt = \"p\"\n")
	sched := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "n")
	s.schedule(sched, "the schedule", func(*client.ScheduleDescription) bool { return true })
	if err := s.client.ScheduleClient().GetHandle(context.Background(), sched).Trigger(context.Background(), client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the job's run", func() bool { return len(s.world.Coder.Created()) == 3 })
	s.agentWorksThenIdles(s.world.Coder.Created()[2].ID)
	jobID := s.latestOfType(workflows.ScheduledJobWorkflowName)
	s.waitClosed(jobID)
	recorded["scheduled-job-1"] = s.history(jobID)

	replayAndWrite(t, recorded)
}
