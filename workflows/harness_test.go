package workflows

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
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
	tRepoID     = 4711
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
	api   fakecoder.API
}

func newWFHarness(t *testing.T, coderOpts fakecoder.Options) *wfHarness {
	t.Helper()
	return newWFHarnessWith(t, fakeworld.Options{Coder: coderOpts})
}

// newWFHarnessWith is newWFHarness with every fakeworld option.
func newWFHarnessWith(t *testing.T, opts fakeworld.Options) *wfHarness {
	t.Helper()
	coderOpts := opts.Coder
	world, err := fakeworld.New(opts)
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
	// Forget the backend probe: tests count the workflow's own requests.
	world.Coder.Reset()
	h := &wfHarness{t: t, world: world, acts: acts, api: coderOpts.API}
	h.suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetTestTimeout(2 * time.Minute)
	Register(h.env, acts)
	h.in = IssueWorkflowInput{
		Settings:       Settings{TaskNamePrefix: "gh", AgentLogin: tAgent},
		Repo:           Repo{Owner: tOwner, Name: tRepo, ID: tRepoID},
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
		Repo: Repo{Owner: tOwner, Name: tRepo, ID: tRepoID}, IssueNumber: tIssue,
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

// apis are the fake deployments each workflow test that talks to Coder
// runs on: an ESR with Tasks only, and a current release with Chats only.
var apis = []fakecoder.API{fakecoder.APITasks, fakecoder.APIChats}

// eachAPI runs f once per Coder API, as subtests "tasks" and "chats".
func eachAPI(t *testing.T, f func(t *testing.T, opts fakecoder.Options)) {
	t.Helper()
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) { f(t, fakecoder.Options{API: api}) })
	}
}

// chats reports whether the harness runs against the Chats API.
func (h *wfHarness) chats() bool { return h.api == fakecoder.APIChats }

// runURL is the page of a created run, as the status comment links it.
func (h *wfHarness) runURL(r fakecoder.CreateRecord) string {
	if r.Kind == fakecoder.KindChat {
		return h.world.Coder.URL() + "/agents/" + r.ID
	}
	return h.world.Coder.URL() + "/tasks/" + r.Owner + "/" + r.ID
}

// wantIssueRun checks that the one run was created for the assigner with
// the issue URL: a task named after the issue, or a chat labelled with it.
func (h *wfHarness) wantIssueRun() fakecoder.CreateRecord {
	h.t.Helper()
	run := h.onlyTask()
	if run.Owner != tAssigner || !strings.Contains(run.Input, "https://github.com/acme/widgets/issues/42") {
		h.t.Fatalf("run created for %q with input %q, want %q and the issue URL", run.Owner, run.Input, tAssigner)
	}
	switch run.Kind {
	case fakecoder.KindTask:
		if run.Name != tTaskName {
			h.t.Fatalf("task named %q, want %q", run.Name, tTaskName)
		}
	case fakecoder.KindChat:
		if run.Labels["code-factory/issue"] != "42" || run.Labels["code-factory/repo"] != "acme/widgets" {
			h.t.Fatalf("chat labels = %v, want the repository and issue", run.Labels)
		}
	}
	return run
}

// completedStatus is the final status text: "Task completed.", for a chat
// followed by what it cost and how long it ran.
func (h *wfHarness) wantCompleted(got string) {
	h.t.Helper()
	if !h.chats() {
		if got != "Task completed." {
			h.t.Fatalf("status = %q, want %q", got, "Task completed.")
		}
		return
	}
	if !strings.HasPrefix(got, "Task completed.\n\nCost: $") || !strings.Contains(got, "model requests). Ran for ") {
		h.t.Fatalf("status = %q, want completed with the cost and run time", got)
	}
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

// onCreated runs f with the id of each run the workflow (or its children)
// creates, as soon as the creating activity completes and before the
// workflow goes on.
func (h *wfHarness) onCreated(f func(id string)) {
	h.env.SetOnActivityCompletedListener(func(info *activity.Info, result converter.EncodedValue, err error) {
		switch info.ActivityType.Name {
		case "CreateTask", "CreateJobTask", "CreateFailedRunTask":
			var r activities.CreateTaskResult
			if err == nil && result != nil && result.Get(&r) == nil {
				f(r.Task.ID)
			}
		}
	})
}

// agentWorksThenIdles plays the agent of a run that gets no input (a job or
// hook task): as soon as the run exists it works for two polls, then idles.
func (h *wfHarness) agentWorksThenIdles() {
	h.onCreated(func(id string) {
		if err := h.world.Coder.WorkFor(id, 2); err != nil {
			h.t.Error(err)
		}
	})
}

// busyForever makes the agent work from workflow time d and never finish.
func (h *wfHarness) busyForever(d time.Duration) {
	h.env.RegisterDelayedCallback(func() {
		id := h.onlyTask().ID
		if err := h.world.Coder.SetWorking(id); err != nil {
			h.t.Error(err)
		}
		if err := h.world.Coder.Hold(id); err != nil {
			h.t.Error(err)
		}
	}, d)
}

// busyUntilReleased makes the agent work from workflow time d for the next
// 30 polls of it, so inputs queue up meanwhile.
func (h *wfHarness) busyUntilReleased(d time.Duration) {
	h.env.RegisterDelayedCallback(func() {
		if err := h.world.Coder.WorkFor(h.onlyTask().ID, 30); err != nil {
			h.t.Error(err)
		}
	}, d)
}
