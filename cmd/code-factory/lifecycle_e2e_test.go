package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// running reports whether the workflow's latest run is running.
func (s *stack) running(id string) bool {
	d, err := s.client.DescribeWorkflowExecution(context.Background(), id, "")
	return err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

// A repository renamed while an issue's task runs: the run moves to the
// workflow of the new name, the next comment (addressed to the new name,
// as GitHub sends it) reaches the same task, and closing ends it.
func TestE2ERepositoryRenamedMidIssueKeepsTheTask(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		renamed := e2eRepo
		renamed.Name = "gadgets"
		s.world.GitHub.MoveRepo(e2eRepo.Owner, e2eRepo.Name, renamed.Owner, renamed.Name)
		s.mustPost(http.StatusAccepted, "repository", payloads.RepositoryRenamed(renamed, e2eRepo.Name, alice), "d-rename")
		newID := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, renamed.Owner, renamed.Name, e2eIssue)
		eventually(t, "the run under the new name", func() bool { return s.running(newID) })
		s.waitClosed(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))

		body := payloads.IssueComment("created", renamed, issue42(), payloads.Comment{ID: 5101, Body: "after the rename", Author: alice})
		s.mustPost(http.StatusAccepted, "issue_comment", body, "d-after-rename")
		eventually(t, "the comment at the same run", func() bool { return s.blocks(runID) == 1 })
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want the one task kept", n)
		}
		if n := s.world.Coder.Ends(runID); n != 0 {
			t.Fatalf("the rename ended the task (%d ends)", n)
		}
		is := issue42()
		is.State = "closed"
		s.mustPost(http.StatusAccepted, "issues", payloads.Issues("closed", renamed, is, alice, payloads.User{}), "d-close-renamed")
		eventually(t, "the task ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
		s.waitClosed(newID)
		if st := s.statusOf(renamed.Owner, renamed.Name, e2eIssue); !strings.HasPrefix(st, "Task completed.") {
			t.Fatalf("status under the new name = %q", st)
		}
	})
}

// Uninstalling the App ends every task of the installation and removes its
// schedules and config workflow; nothing is written to GitHub afterwards.
func TestE2EUninstallEndsTasksAndRemovesSchedules(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		s.pushConfig("dddd000000000000000000000000000000000001", "d-push", jobBlock("nightly", "0 3 * * *", ""))
		schedID := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "nightly")
		s.schedule(schedID, "the schedule", func(*client.ScheduleDescription) bool { return true })
		writes := s.world.GitHub.Count("POST", "/repos/") + s.world.GitHub.Count("PATCH", "/repos/")

		s.mustPost(http.StatusAccepted, "installation", payloads.InstallationEvent("deleted", payloads.DefaultInstallation, alice), "d-uninstall")
		eventually(t, "the task ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
		eventually(t, "the schedule gone", func() bool { _, gone := s.describe(schedID); return gone })
		s.waitClosed(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
		s.waitClosed(workflows.ConfigWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name))
		if after := s.world.GitHub.Count("POST", "/repos/") + s.world.GitHub.Count("PATCH", "/repos/"); after != writes {
			t.Fatalf("%d GitHub writes after the uninstall, want none (the App has no access any more)", after-writes)
		}
	})
}

// A transferred repository's task ends; the issue, now under the new owner,
// is told why where the App can still reach it.
func TestE2ERepositoryTransferredEndsTheTask(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks))
	s.seed()
	runID := s.assign()
	moved := e2eRepo
	moved.Owner = "acme-labs"
	s.world.GitHub.MoveRepo(e2eRepo.Owner, e2eRepo.Name, moved.Owner, moved.Name)
	s.mustPost(http.StatusAccepted, "repository", payloads.RepositoryTransferred(moved, e2eRepo.Owner, alice), "d-transfer")
	eventually(t, "the task ended", func() bool { return s.world.Coder.Ends(runID) == 1 })
	eventually(t, "the issue told", func() bool {
		return strings.Contains(s.statusOf(moved.Owner, moved.Name, e2eIssue), "the repository was transferred")
	})
}

// A rename moves the repository's schedules to IDs of the new name, made
// from the default branch's config as it is.
func TestE2ERepositoryRenamedMovesTheSchedules(t *testing.T) {
	s := newStack(t)
	s.seed()
	cfg := jobBlock("nightly", "0 3 * * *", "")
	s.pushConfig("dddd000000000000000000000000000000000002", "d-push", cfg)
	oldID := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "nightly")
	s.schedule(oldID, "the schedule", func(*client.ScheduleDescription) bool { return true })
	renamed := e2eRepo
	renamed.Name = "gadgets"
	s.world.GitHub.MoveRepo(e2eRepo.Owner, e2eRepo.Name, renamed.Owner, renamed.Name)
	s.world.GitHub.SetFile(renamed.Owner, renamed.Name, "", ".code-factory/config.toml", []byte(cfg))
	s.mustPost(http.StatusAccepted, "repository", payloads.RepositoryRenamed(renamed, e2eRepo.Name, alice), "d-rename")
	newID := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, renamed.Owner, renamed.Name, "nightly")
	s.schedule(newID, "the schedule under the new name", func(*client.ScheduleDescription) bool { return true })
	eventually(t, "the old schedule gone", func() bool { _, gone := s.describe(oldID); return gone })
}
