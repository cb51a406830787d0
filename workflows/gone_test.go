package workflows

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func gone(delivery string, reason GoneReason, to *IssueLocation) IssueEvent {
	e := ev(KindGone, delivery)
	e.Gone = &Gone{Reason: reason, To: to}
	return e
}

// An issue, repository or installation code-factory can no longer serve
// ends the run's task; nothing is written where GitHub would refuse it.
func TestGoneIssueEndsTheTaskWithoutWritingToGitHub(t *testing.T) {
	for _, reason := range []GoneReason{GoneIssueDeleted, GoneRepoDeleted, GoneUninstalled, GoneSuspended, GoneRepositoryRemoved} {
		t.Run(string(reason), func(t *testing.T) {
			eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
				h := newWFHarness(t, opts)
				h.at(0, assigned("d-assign"))
				var writes int
				h.env.RegisterDelayedCallback(func() { writes = h.world.GitHub.Count("PATCH", "/") + h.world.GitHub.Count("POST", "/repos/") }, 59*time.Second)
				h.at(time.Minute, gone("d-gone", reason, nil))
				// A later assignment to an issue that is gone starts nothing.
				h.at(time.Minute+time.Millisecond, assigned("d-again"))
				h.mustRun()
				if n := h.world.Coder.Ends(h.onlyTask().ID); n != 1 {
					t.Fatalf("task ended %d times, want 1", n)
				}
				if after := h.world.GitHub.Count("PATCH", "/") + h.world.GitHub.Count("POST", "/repos/"); after != writes {
					t.Fatalf("%d GitHub writes after the issue was gone, want none", after-writes)
				}
			})
		})
	}
}

// A transferred issue's task ends, and its status comment, which moved
// with it, says so at the new place and how to start again.
func TestTransferredIssueIsToldWhereItWent(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.at(0, assigned("d-assign"))
	h.env.RegisterDelayedCallback(func() { h.world.GitHub.TransferIssue(tOwner, tRepo, tIssue, tOwner, "gadgets", 7) }, 59*time.Second)
	h.at(time.Minute, gone("d-moved", GoneIssueTransferred, &IssueLocation{Repo: Repo{Owner: tOwner, Name: "gadgets"}, Number: 7, URL: "https://github.com/acme/gadgets/issues/7"}))
	h.mustRun()
	if n := h.world.Coder.Ends(h.onlyTask().ID); n != 1 {
		t.Fatalf("task ended %d times, want 1", n)
	}
	var status []string
	for _, c := range h.world.GitHub.Comments(tOwner, "gadgets", 7) {
		if strings.HasPrefix(c.Body, activities.StatusCommentMarker) {
			status = append(status, c.Body)
		}
	}
	if len(status) != 1 || !strings.Contains(status[0], "transferred here from acme/widgets#42") || !strings.Contains(status[0], "Assign @"+tAgent+" here") {
		t.Fatalf("status comments at the new place = %q", status)
	}
}

// A rename moves the run, task and all, to the workflow of the new name;
// the task keeps running and the comment whose delivery the rename
// interrupted goes along (the test environment reports a cancellation at
// once, so whether it landed is tested end to end), and the close under
// the new name ends the task.
func TestRenamedRepositoryHandsTheRunToTheNewName(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.acts.Timing.ReadyTimeout = 300 * time.Millisecond // the agent stays busy
	var moved IssueWorkflowInput
	var movedID string
	// No workflow under the new name yet (the sweep did not start one
	// ahead): the old run starts it itself.
	h.env.OnSignalExternalWorkflow(mock.Anything, "gh-acme/gadgets-42", "", IssueHandoverSignal, mock.Anything).Return(errors.New("workflow not found"))
	h.env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		movedID = info.WorkflowExecution.ID
		if err := args.Get(&moved); err != nil {
			t.Error(err)
		}
		closedThere := closed("d-close-new")
		closedThere.Repo.Name = "gadgets"
		h.env.RegisterDelayedCallback(func() {
			if err := h.env.SignalWorkflowByID(movedID, IssueEventSignal, closedThere); err != nil {
				t.Error(err)
			}
		}, 10*time.Minute)
	})
	h.at(0, assigned("d-assign"))
	// The agent is busy when a comment comes, and the rename comes while
	// the comment waits for it: the comment moves to the new run.
	h.onCreated(func(id string) {
		if err := h.world.Coder.SetWorking(id); err != nil {
			t.Error(err)
		}
		if err := h.world.Coder.Hold(id); err != nil {
			t.Error(err)
		}
	})
	h.at(time.Minute, comment("d-during", 501, "bob", "still there?"))
	renamed := ev(KindRenamed, "d-rename")
	renamed.Repo = Repo{Owner: tOwner, Name: "gadgets", ID: tRepoID}
	sentRename := false
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == "DeliverInput" && !sentRename {
			sentRename = true
			h.env.SignalWorkflow(IssueEventSignal, renamed)
		}
	})
	h.mustRun()
	if movedID != "gh-acme/gadgets-42" {
		t.Fatalf("moved to %q, want gh-acme/gadgets-42", movedID)
	}
	task := h.onlyTask()
	if moved.Repo.Name != "gadgets" || moved.Carry == nil || moved.Carry.Task == nil || moved.Carry.Task.ID != task.ID || moved.Carry.StatusCommentID == 0 {
		t.Fatalf("carried = %+v, want the task and the status comment", moved.Carry)
	}
	if p := moved.Carry.Pending; len(p) != 1 || p[0].DeliveryID != "d-during" || p[0].Repo.Name != "gadgets" {
		t.Fatalf("pending carried = %+v, want the interrupted comment, under the new name", p)
	}
	if n := h.world.Coder.Ends(task.ID); n != 1 {
		t.Fatalf("task ended %d times, want once (by the close under the new name)", n)
	}
}

// A workflow started ahead of a handover buffers what comes under the new
// name; the handed-over state goes first, the task is the handed one, and
// no second task is made.
func TestHandoverIsAdoptedBeforeBufferedEvents(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	res, err := h.acts.CreateTask(context.Background(), activities.CreateTaskInput{Spec: coder.CreateSpec{Name: "gh-widgets-42", Owner: tAssigner, Input: "go"}})
	if err != nil {
		t.Fatal(err)
	}
	h.world.Coder.Reset()
	h.in.Repo.Name = "gadgets"
	h.in.Carry = &IssueCarry{AwaitHandover: true}
	later := comment("d-new-name", 502, "bob", "second, under the new name")
	later.Repo.Name = "gadgets"
	h.at(time.Minute, later)
	handed := IssueCarry{
		Task: &res.Task, Requester: Actor{Login: tAssigner, ID: tAssignerID},
		Pending: []IssueEvent{comment("d-old-name", 501, "bob", "first, under the old name")}, SeenDeliveries: []string{"d-assign", "d-old-name"},
	}
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(IssueHandoverSignal, handed) }, 2*time.Minute)
	// A redelivery of an event the old run had seen is dropped.
	h.at(3*time.Minute, comment("d-old-name", 501, "bob", "first, under the old name"))
	cl := closed("d-close")
	cl.Repo.Name = "gadgets"
	h.at(10*time.Minute, cl)
	h.mustRun()
	if n := len(h.world.Coder.Created()); n != 0 {
		t.Fatalf("runs created = %d, want the handed one only", n)
	}
	text := strings.Join(h.world.Coder.Sent(res.Task.ID), "\n")
	first, second := strings.Index(text, "first, under the old name"), strings.Index(text, "second, under the new name")
	if first < 0 || second < first || strings.Count(text, "first, under the old name") != 1 {
		t.Fatalf("sent = %q, want the handed comment once, then the buffered one", text)
	}
	if n := h.world.Coder.Ends(res.Task.ID); n != 1 {
		t.Fatalf("the handed task ended %d times, want 1", n)
	}
}

// The status query says what the run is doing, its task, and how many
// inputs were delivered.
func TestStatusQuery(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.at(0, assigned("d-assign"))
	h.at(time.Minute, comment("d-c1", 501, "bob", "hello"))
	var got IssueStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(StatusQuery)
		if err != nil {
			t.Error(err)
			return
		}
		if err := v.Get(&got); err != nil {
			t.Error(err)
		}
	}, 2*time.Minute)
	h.at(3*time.Minute, closed("d-close"))
	h.mustRun()
	task := h.onlyTask()
	if got.Task == nil || got.Task.ID != task.ID || got.Phase != PhaseIdle || got.Delivered != 1 || got.Waiting != 0 ||
		got.Requester.Login != tAssigner || !strings.HasPrefix(got.StatusText, "Task is running: ") || got.Issue != tIssue {
		t.Fatalf("status = %+v", got)
	}
}
