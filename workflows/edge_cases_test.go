package workflows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

const tUIURL = "http://temporal.example:8233"

func TestMissingTemplateIsExplainedWithALinkAndNothingLeaks(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.in.Settings.TemporalUIURL = tUIURL
		h.acts.ConfigTemplateName = "no-such-template"
		// A config file sends both APIs to the (missing) config template.
		h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte("[sandbox]\nsize = \"large\"\n"))
		h.at(0, assigned("d-assign"))
		err := h.run()
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || ae.Type() != activities.ErrTypeCoderClient || ae.NonRetryable() == false {
			t.Fatalf("workflow ended with %v, want a non-retryable %s", err, activities.ErrTypeCoderClient)
		}
		got := h.status()
		for _, want := range []string{
			"code-factory could not go on with this issue:", `there is no template "no-such-template" in organization "default"`,
			tUIURL + "/namespaces/default-test-namespace/workflows/default-test-workflow-id/default-test-run-id/history", "Re-assign @" + tAgent + " to try again.",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("status lacks %q:\n%s", want, got)
			}
		}
		if n := len(h.world.Coder.Created()); n != 0 {
			t.Fatalf("runs created = %d, want none", n)
		}
		if ws := h.world.Coder.Workspaces(); len(ws) != 0 {
			t.Fatalf("workspaces = %+v, want none", ws)
		}
	})
}

func TestFailureAfterTheRunIsMadeEndsIt(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		// GitHub refuses the first status comment outright (422, not retried).
		h.world.GitHub.FailNext("POST", "/repos/acme/widgets/issues/42/comments", http.StatusUnprocessableEntity, 1)
		h.at(0, assigned("d-assign"))
		err := h.run()
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || ae.NonRetryable() == false {
			t.Fatalf("workflow ended with %v, want the non-retryable GitHub error", err)
		}
		run := h.onlyTask()
		if n := h.world.Coder.Ends(run.ID); n != 1 {
			t.Fatalf("the run made before the failure was ended %d times, want 1", n)
		}
		if got := h.status(); !strings.Contains(got, "could not go on with this issue") || !strings.Contains(got, "HTTP 422") {
			t.Fatalf("status = %q, want the failure explained", got)
		}
	})
}

func TestReassignWhileTheWorkflowFinishesStartsOver(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, ev(KindUnassigned, "d-unassign"))
		// Someone assigns the agent again while the first run is being ended.
		h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
			if info.ActivityType.Name == "DeleteTask" {
				h.env.SignalWorkflow(IssueEventSignal, assigned("d-assign-again"))
			}
		})
		err := h.run()
		var can *workflow.ContinueAsNewError
		if !errors.As(err, &can) {
			t.Fatalf("workflow ended with %v, want it to continue as new for the new assignment", err)
		}
		var next IssueWorkflowInput
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
			t.Fatal(err)
		}
		c := next.Carry
		if c.Task != nil || len(c.Pending) != 1 || c.Pending[0].DeliveryID != "d-assign-again" || c.StatusCommentID == 0 {
			t.Fatalf("carry = %+v, want no run, the new assignment pending and the status comment kept", c)
		}
		if n := h.world.Coder.Ends(h.onlyTask().ID); n != 1 {
			t.Fatalf("the first run was ended %d times, want 1", n)
		}
	})
}

func TestRevokedWriteAccessIsSeenAfterTheTTL(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetPermission(tOwner, tRepo, "bob", "write")
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, comment("d-c1", 501, "bob", "first"))
		h.env.RegisterDelayedCallback(func() { h.world.GitHub.SetPermission(tOwner, tRepo, "bob", "read") }, 2*time.Minute)
		h.at(5*time.Minute, comment("d-c2", 502, "bob", "within the TTL"))
		h.at(15*time.Minute, comment("d-c3", 503, "bob", "after the TTL"))
		h.at(16*time.Minute, closed("d-close"))
		h.mustRun()
		sent := strings.Join(h.world.Coder.Sent(h.onlyTask().ID), "\n")
		if !strings.Contains(sent, "first") || !strings.Contains(sent, "within the TTL") || strings.Contains(sent, "after the TTL") {
			t.Fatalf("sent = %q, want the comments before the re-check only", sent)
		}
		if got := h.status(); !strings.Contains(got, "not forwarded so far: `bob`") {
			t.Fatalf("status = %q, want bob's skipped comment noted", got)
		}
		if n := h.world.GitHub.Count("GET", "/repos/acme/widgets/collaborators/bob/permission"); n != 2 {
			t.Fatalf("permission look-ups = %d, want 2 (first, then after the TTL)", n)
		}
	})
}

func TestCommentWhoseAuthorCannotBeCheckedIsNoted(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APIChats})
	h.at(0, assigned("d-assign"))
	h.env.RegisterDelayedCallback(func() {
		h.world.GitHub.FailNext("GET", "/repos/acme/widgets/collaborators/bob/permission", http.StatusNotAcceptable, 1)
	}, 30*time.Second)
	h.at(time.Minute, comment("d-c1", 501, "bob", "hello"))
	h.at(2*time.Minute, closed("d-close"))
	h.mustRun()
	if sent := h.world.Coder.Sent(h.onlyTask().ID); len(sent) != 0 {
		t.Fatalf("sent = %q, want nothing", sent)
	}
	if got := h.status(); !strings.Contains(got, "a comment by `bob` was not forwarded because their access to this repository could not be checked") ||
		!strings.Contains(got, "#issuecomment-501") {
		t.Fatalf("status = %q, want the unchecked comment noted with its link", got)
	}
}

func TestSupersededCIFailureDoesNotHideAnUndeliveredComment(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.acts.Timing.ReadyTimeout = 200 * time.Millisecond
	for _, run := range []int64{2001, 2002, 2003} {
		h.world.GitHub.SetRunJobs(tOwner, tRepo, run, fakegithub.Job{ID: run * 10, Name: "unit", Conclusion: "failure"})
		h.world.GitHub.SetJobLog(run*10, "boom\n")
	}
	h.at(0, assigned("d-assign"))
	h.busyForever(10 * time.Second)
	h.at(20*time.Second, ciEvent("d-run1", 2001, "abc"))
	// While run 1 waits for the busy task, run 2 supersedes it, a comment
	// comes, and run 3 supersedes run 2. The comment cannot be delivered
	// in time; the agent is free again by the time run 3 is relayed.
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
		if info.ActivityType.Name != "RelayCIFailure" {
			return
		}
		var in activities.CIRelayInput
		if err := args.Get(&in); err != nil {
			t.Error(err)
			return
		}
		switch in.Run.RunID {
		case 2001:
			h.env.SignalWorkflow(IssueEventSignal, ciEvent("d-run2", 2002, "abc"))
			h.env.SignalWorkflow(IssueEventSignal, comment("d-c1", 501, "bob", "are you there?"))
			h.env.SignalWorkflow(IssueEventSignal, ciEvent("d-run3", 2003, "abc"))
		case 2003:
			id := h.onlyTask().ID
			if err := h.world.Coder.Release(id); err != nil {
				t.Error(err)
			}
			if err := h.world.Coder.SetIdle(id); err != nil {
				t.Error(err)
			}
		}
	})
	h.at(2*time.Minute, closed("d-close"))
	var status string
	h.env.RegisterDelayedCallback(func() { status = h.status() }, 90*time.Second)
	h.mustRun()
	sent := h.world.Coder.Sent(h.onlyTask().ID)
	if len(sent) != 1 || !strings.Contains(sent[0], "runs/2003") {
		t.Fatalf("sent = %q, want only the newest failure", sent)
	}
	if !strings.HasPrefix(status, "Input could not be delivered: the task did not become ready in time.") {
		t.Fatalf("status = %q, want the undelivered comment reported", status)
	}
}

func TestFailuresOfTwoWorkflowsOnOneCommitAreBothRelayed(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		for i, run := range []int64{3001, 3002} {
			h.world.GitHub.SetRunJobs(tOwner, tRepo, run, fakegithub.Job{ID: run * 10, Name: fmt.Sprintf("job-%d", i), Conclusion: "failure"})
			h.world.GitHub.SetJobLog(run*10, "boom\n")
		}
		ci := ciEvent("d-ci", 3001, "abc")
		lint := ciEvent("d-lint", 3002, "abc")
		lint.CIFailure.WorkflowName, lint.CIFailure.WorkflowPath = "Lint", ".github/workflows/lint.yml"
		h.at(0, assigned("d-assign"))
		h.busyUntilReleased(10 * time.Second)
		h.at(time.Minute, ci)
		h.at(time.Minute+time.Millisecond, lint)
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()
		sent := strings.Join(h.world.Coder.Sent(h.onlyTask().ID), "\n")
		if !strings.Contains(sent, "runs/3001") || !strings.Contains(sent, "runs/3002") {
			t.Fatalf("sent = %q, want both workflows' failures", sent)
		}
	})
}
