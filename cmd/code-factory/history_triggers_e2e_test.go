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

// TestE2ETriggerHistoriesReplay records runs under the triggers-1 marker
// (a mention start with a comment, "status" and "stop"; a label start and
// its removal) and replays them; UPDATE_HISTORIES writes them.
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
	recorded["issue-mention-triggers-1"] = s.history(id)

	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nlabels = [\"agent\"]\n"))
	s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("labeled", e2eRepo, unassigned42(), "agent", alice), "h-t-5")
	eventually(t, "the second task running", func() bool {
		return len(s.world.Coder.Created()) == 2 && strings.HasPrefix(s.statusText(), "Task is running: ")
	})
	s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("unlabeled", e2eRepo, unassigned42(), "agent", alice), "h-t-6")
	s.waitClosed(id)
	recorded["issue-label-triggers-1"] = s.history(id)

	replayAndWrite(t, recorded)
}
