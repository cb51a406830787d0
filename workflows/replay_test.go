package workflows

import (
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// historyFiles are the committed histories of real runs on the embedded
// server (written by cmd/code-factory's TestE2EHistoriesReplay with
// UPDATE_HISTORIES=1).
func historyFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no committed histories in testdata/histories")
	}
	return files
}

// TestReplayCommittedHistories fails when a code change would break
// workflows already running in production (non-determinism).
func TestReplayCommittedHistories(t *testing.T) {
	for _, f := range historyFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			RegisterWorkflows(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay: %v", err)
			}
		})
	}
}

// TestReplayDetectsIncompatibleChange shows the replay test can fail: a
// workflow that schedules different commands under the same name is
// rejected for the committed issue history.
func TestReplayDetectsIncompatibleChange(t *testing.T) {
	f := filepath.Join("testdata", "histories", "issue-lifecycle.json")
	if _, err := os.Stat(f); err != nil {
		t.Fatal(err)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(func(ctx workflow.Context, in IssueWorkflowInput) error {
		return workflow.Sleep(ctx, 1)
	}, workflow.RegisterOptions{Name: IssueWorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err == nil {
		t.Fatal("an incompatible workflow replayed the committed history without error")
	}
}
