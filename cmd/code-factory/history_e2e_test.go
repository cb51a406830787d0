package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/code-factory/code-factory/workflows"
)

// historiesDir holds the committed histories that workflows/replay_test.go replays.
const historiesDir = "../../workflows/testdata/histories"

// TestE2EHistoriesReplay runs a full issue lifecycle and a relay on the real
// server, then replays their histories against the current workflow code.
// With UPDATE_HISTORIES=1 it also writes them to workflows/testdata/histories
// (do that only when a change is meant to be compatible with running workflows).
func TestE2EHistoriesReplay(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	s.world.GitHub.SetClosingIssues(capOwner, capRepo, 64, capIssue)
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "h-comment")
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-agent-pr.json", "h-pr-comment")
	eventually(t, "both comments sent", func() bool {
		return strings.Count(strings.Join(s.world.Coder.Sent(taskID), "\n"), "New Comment on") == 2
	})
	if code, b := s.deliverBytes("issues", withNumber(t, "webhooks/issues/closed.captured.json", capIssue), "h-close"); code != http.StatusAccepted {
		t.Fatalf("close: %d %s", code, b)
	}
	eventually(t, "the task deleted", func() bool { return s.statusText() == "Task completed." })

	// A config push with a scheduled job (the config workflow stays open).
	s.pushConfig("bbbb000000000000000000000000000000000001", "h-push", "[[scheduled_jobs]]\nname = \"n\"\nbranch = \"main\"\nschedule = \"0 3 * * *\"\nprompt = \"p\"\n")
	configID := workflows.ConfigWorkflowID(s.cfg.CoderTaskNamePrefix, "Codertocat", "Hello-World")
	s.schedule(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, "Codertocat", "Hello-World", "n"), "the schedule", func(*client.ScheduleDescription) bool { return true })

	issueID := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, capOwner, capRepo, capIssue)
	relayID := workflows.RelayWorkflowID(s.cfg.CoderTaskNamePrefix, "h-pr-comment")
	for name, id := range map[string]string{"issue-lifecycle": issueID, "relay-pr-comment": relayID, "config-push": configID} {
		h := s.history(id)
		replayer := worker.NewWorkflowReplayer()
		workflows.RegisterWorkflows(replayer)
		if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
			t.Fatalf("replaying %s: %v", name, err)
		}
		if os.Getenv("UPDATE_HISTORIES") == "1" {
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

// history fetches a closed workflow's full history.
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
