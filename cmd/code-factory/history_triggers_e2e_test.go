package main

import (
	"net/http"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// TestE2ETriggerHistoriesReplay records trigger runs (a mention start with
// a comment, "status" and "stop"; a label start and its removal; an
// automatic pull request review holding a task slot) and replays them;
// UPDATE_HISTORIES writes them. Each is named after the newest marker it
// records: the files of earlier markers (issue-mention-triggers-1, ...)
// stay as they were recorded.
func TestE2ETriggerHistoriesReplay(t *testing.T) {
	recorded := map[string]*historypb.History{}
	s := newStack(t, onAPI(fakecoder.APITasks))
	s.seedUnassigned()
	id := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue)

	s.mention(http.StatusAccepted, 7501, alice, mentionOf+" please fix it", "h-t-1")
	eventually(t, "the task running", func() bool { return strings.HasPrefix(s.statusText(), "Task is running: ") })
	run := s.world.Coder.Created()[0].ID
	s.mention(http.StatusAccepted, 7502, alice, "and keep it small", "h-t-2")
	eventually(t, "the comment sent", func() bool { return s.blocks(run) == 1 })
	s.mention(http.StatusAccepted, 7503, alice, mentionOf+" status", "h-t-3")
	eventually(t, "the status answered", func() bool { return strings.HasPrefix(s.statusText(), "Status (asked by") })
	s.mention(http.StatusAccepted, 7504, alice, mentionOf+" stop", "h-t-4")
	s.waitClosed(id)
	recorded["issue-mention-"+currentMarker] = s.history(id)

	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nlabels = [\"agent\"]\n"))
	s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("labeled", e2eRepo, unassigned42(), "agent", alice), "h-t-5")
	eventually(t, "the second task running", func() bool {
		return len(s.world.Coder.Created()) == 2 && strings.HasPrefix(s.statusText(), "Task is running: ")
	})
	s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("unlabeled", e2eRepo, unassigned42(), "agent", alice), "h-t-6")
	s.waitClosed(id)
	recorded["issue-label-"+currentMarker] = s.history(id)

	// An automatic review of a pull request (limits-1: the run takes one
	// of the repository's task slots), told of a push, ended by closing.
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[review]\nenabled = true\n[limits]\nmax_concurrent_tasks = 3\n"))
	pr := s.seedPR(96, bob, false, "src/a.go")
	s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, pr, alice), "h-t-7")
	eventually(t, "the review running", func() bool {
		return len(s.world.Coder.Created()) == 3 && strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 96), "Task is running: ")
	})
	review := s.world.Coder.Created()[2].ID
	s.mustPost(http.StatusAccepted, "pull_request", payloads.PullSynchronize(e2eRepo, pr, "1111", "2222", bob), "h-t-8")
	eventually(t, "the push told", func() bool {
		return strings.Contains(strings.Join(s.world.Coder.Sent(review), "\n"), "new commits pushed")
	})
	s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("closed", e2eRepo, pr, bob), "h-t-9")
	s.waitClosed(s.prWorkflow(96))
	recorded["pr-review-"+currentMarker] = s.history(s.prWorkflow(96))

	replayAndWrite(t, recorded)
}
