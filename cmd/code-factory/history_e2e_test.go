package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// historiesDir holds the committed histories that workflows/replay_test.go replays.
const historiesDir = "../../workflows/testdata/histories"

// TestE2EHistoriesReplay runs an issue's lifecycle on each Coder API, a
// pull request's relay and a config push on the real server, then replays their histories
// against the current workflow code. UPDATE_HISTORIES=name[,name...]
// also writes those histories to workflows/testdata/histories; keep the
// ones recorded by earlier releases as they are, so running workflows stay
// covered (docs/versioning.md).
func TestE2EHistoriesReplay(t *testing.T) {
	recorded := map[string]*historypb.History{}
	for _, api := range apis {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		if api == fakecoder.APIChats {
			// Let the idle watch check the chat once, so the history has it.
			polls := s.world.Coder.Polls(runID)
			eventually(t, "the idle chat checked", func() bool { return s.world.Coder.Polls(runID) > polls })
		}
		pr := agentPR()
		s.world.GitHub.SetClosingIssues(e2eRepo.Owner, e2eRepo.Name, pr.Number, e2eIssue)
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "a comment"), "h-comment")
		prView := payloads.Issue{Number: pr.Number, Author: agentUser, PullRequest: true}
		s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", e2eRepo, prView, payloads.Comment{ID: 6001, Body: "on the PR", Author: alice}), "h-pr-comment")
		eventually(t, "both comments sent", func() bool { return s.blocks(runID) == 2 })
		s.mustPost(http.StatusAccepted, "issues", closedBody(), "h-close")
		issueID := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue)
		s.waitClosed(issueID)
		// Named after the newest version marker the run records, so the
		// histories of earlier releases stay as they were recorded.
		name := "issue-lifecycle-" + string(api) + "-" + currentMarker
		if api == fakecoder.APIChats {
			name = "chat-lifecycle-" + currentMarker
		}
		recorded[name] = s.history(issueID)
		if api != fakecoder.APITasks {
			continue
		}
		// The pull request's relay is still open (it ends when idle); its
		// history so far replays all the same.
		recorded["pr-relay"] = s.history(workflows.PRRelayWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, pr.Number))
		// A config push with a scheduled job (the config workflow stays open).
		s.pushConfig("bbbb000000000000000000000000000000000001", "h-push", "[[scheduled_jobs]]\nname = \"n\"\nbranch = \"main\"\nschedule = \"0 3 * * *\"\nprompt = \"p\"\n")
		s.schedule(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "n"), "the schedule", func(*client.ScheduleDescription) bool { return true })
		recorded["config-push-"+string(api)] = s.history(workflows.ConfigWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name))
	}
	replayAndWrite(t, recorded)
}

// replayAndWrite replays each recorded history against the current
// workflow code, and writes the ones UPDATE_HISTORIES names.
func replayAndWrite(t *testing.T, recorded map[string]*historypb.History) {
	t.Helper()
	write := strings.Split(os.Getenv("UPDATE_HISTORIES"), ",")
	for name, h := range recorded {
		replayer := worker.NewWorkflowReplayer()
		workflows.RegisterWorkflows(replayer)
		if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
			t.Fatalf("replaying %s: %v", name, err)
		}
		if slices.Contains(write, name) {
			b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(historiesDir, name+".json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// currentMarker is the newest version marker of the issue workflow.
const currentMarker = "lean-start-1"

// history fetches a workflow's full history (its latest run).
func (s *stack) history(id string) *historypb.History {
	s.t.Helper()
	it := s.client.GetWorkflowHistory(context.Background(), id, "", false, 0)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	if len(h.Events) == 0 {
		s.t.Fatalf("no history for %s", id)
	}
	return h
}
