package workflows

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

const (
	tAgent      = "code-factory-agent"
	tOwner      = "acme"
	tRepo       = "widgets"
	tIssue      = 42
	tAssigner   = "alice"
	tAssignerID = 1001
	tTaskName   = "gh-widgets-42"
)

// wfHarness runs the issue workflow in the test environment with the real
// activities talking HTTP to the fakes.
type wfHarness struct {
	t     *testing.T
	suite testsuite.WorkflowTestSuite
	world *fakeworld.World
	acts  *activities.Activities
	env   *testsuite.TestWorkflowEnvironment
	in    IssueWorkflowInput
}

func newWFHarness(t *testing.T, coderOpts fakecoder.Options) *wfHarness {
	t.Helper()
	world, err := fakeworld.New(fakeworld.Options{Coder: coderOpts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(world.Close)
	world.Coder.AddUser(tAssignerID, tAssigner)
	world.GitHub.SetIssue(tOwner, tRepo, tIssue, "open", tAgent)
	acts, err := world.Activities(fakeworld.FastTiming(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &wfHarness{t: t, world: world, acts: acts}
	h.suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetTestTimeout(2 * time.Minute)
	Register(h.env, acts)
	h.in = IssueWorkflowInput{
		Settings:       Settings{TaskNamePrefix: "gh", AgentLogin: tAgent},
		Repo:           Repo{Owner: tOwner, Name: tRepo},
		IssueNumber:    tIssue,
		InstallationID: 7,
	}
	return h
}

// at delivers ev on the signal channel after d of workflow time.
func (h *wfHarness) at(d time.Duration, ev IssueEvent) {
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(IssueEventSignal, ev) }, d)
}

func (h *wfHarness) run() error {
	h.env.ExecuteWorkflow(IssueWorkflowName, h.in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	return h.env.GetWorkflowError()
}

func (h *wfHarness) mustRun() {
	h.t.Helper()
	if err := h.run(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
}

func ev(kind EventKind, delivery string) IssueEvent {
	return IssueEvent{
		DeliveryID: delivery, Kind: kind, InstallationID: 7,
		Repo: Repo{Owner: tOwner, Name: tRepo}, IssueNumber: tIssue,
		IssueURL: "https://github.com/acme/widgets/issues/42",
		Sender:   Actor{Login: tAssigner, ID: tAssignerID},
	}
}

func assigned(delivery string) IssueEvent { return ev(KindAssigned, delivery) }
func closed(delivery string) IssueEvent   { return ev(KindClosed, delivery) }

func comment(delivery string, id int64, login, body string) IssueEvent {
	e := ev(KindIssueComment, delivery)
	e.Sender = Actor{Login: login, ID: id + 100000}
	e.Comment = &Comment{
		ID: id, Body: body, Author: Actor{Login: login, ID: id + 100000},
		URL:       fmt.Sprintf("https://github.com/acme/widgets/issues/42#issuecomment-%d", id),
		CreatedAt: "2026-11-22T10:00:00Z",
	}
	return e
}

// onlyTask returns the one task the fake Coder created.
func (h *wfHarness) onlyTask() fakecoder.CreateRecord {
	h.t.Helper()
	created := h.world.Coder.Created()
	if len(created) != 1 {
		h.t.Fatalf("tasks created = %d, want 1", len(created))
	}
	return created[0]
}

// status returns the visible text of the one status comment.
func (h *wfHarness) status() string {
	h.t.Helper()
	var found []fakegithub.Comment
	for _, c := range h.world.GitHub.Comments(tOwner, tRepo, tIssue) {
		if strings.HasPrefix(c.Body, activities.StatusCommentMarker+"\n") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		h.t.Fatalf("status comments = %d, want exactly 1", len(found))
	}
	return strings.TrimPrefix(found[0].Body, activities.StatusCommentMarker+"\n")
}

func fakecoderDefaults() fakecoder.Options { return fakecoder.Options{} }

// busyUntilReleased makes the task "working" at workflow time d and keeps
// it so until a moment of real time later, so inputs queue up meanwhile.
func (h *wfHarness) busyUntilReleased(d time.Duration) {
	h.env.RegisterDelayedCallback(func() {
		task := h.onlyTask()
		working := "working"
		if err := h.world.Coder.SetTask(task.TaskID, "active", &working); err != nil {
			h.t.Error(err)
		}
		if err := h.world.Coder.Hold(task.TaskID); err != nil {
			h.t.Error(err)
		}
		go func() {
			time.Sleep(300 * time.Millisecond)
			if err := h.world.Coder.Release(task.TaskID); err != nil {
				h.t.Error(err)
			}
		}()
	}, d)
}
