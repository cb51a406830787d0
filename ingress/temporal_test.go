package ingress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/workflows"
)

// fakeTemporal records the three client calls the dispatcher makes; any
// other client.Client method panics (nil embedded interface).
type fakeTemporal struct {
	client.Client
	err error

	method   string
	id       string
	signal   string
	arg      any
	opts     client.StartWorkflowOptions
	workflow any
	args     []any
	deadline bool
	// status is what DescribeWorkflowExecution reports (a closed run).
	status enumspb.WorkflowExecutionStatus
}

func (f *fakeTemporal) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{WorkflowId: id}, Status: f.status},
	}, nil
}

func (f *fakeTemporal) SignalWithStartWorkflow(ctx context.Context, id, signal string, arg any,
	opts client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	_, f.deadline = ctx.Deadline()
	f.method, f.id, f.signal, f.arg, f.opts, f.workflow, f.args = "SignalWithStartWorkflow", id, signal, arg, opts, wf, args
	return nil, f.err
}

func (f *fakeTemporal) SignalWorkflow(ctx context.Context, id, runID, signal string, arg any) error {
	_, f.deadline = ctx.Deadline()
	f.method, f.id, f.signal, f.arg = "SignalWorkflow", id, signal, arg
	if runID != "" {
		return errors.New("run id must be empty")
	}
	return f.err
}

func (f *fakeTemporal) ExecuteWorkflow(ctx context.Context, opts client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	_, f.deadline = ctx.Deadline()
	f.method, f.opts, f.workflow, f.args = "ExecuteWorkflow", opts, wf, args
	return nil, f.err
}

func TestTemporalSignalWithStartIssue(t *testing.T) {
	f := &fakeTemporal{}
	d := classifyFixture(t, "issues", "webhooks/issues/assigned.captured-to-agent.json", testSettings()).(StartIssue)
	if err := NewTemporalDispatcher(f, "tq").SignalWithStartIssue(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if f.method != "SignalWithStartWorkflow" || f.id != d.WorkflowID || f.signal != workflows.IssueEventSignal ||
		f.workflow != workflows.IssueWorkflowName || !f.deadline {
		t.Errorf("call = %+v", f)
	}
	if ev, ok := f.arg.(workflows.IssueEvent); !ok || ev.DeliveryID != d.Event.DeliveryID {
		t.Errorf("signal arg = %#v", f.arg)
	}
	if len(f.args) != 1 || f.args[0] != any(d.Input) {
		t.Errorf("workflow args = %#v", f.args)
	}
	o := f.opts
	if o.ID != d.WorkflowID || o.TaskQueue != "tq" ||
		o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING ||
		o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE ||
		o.Memo["repo"] != "xmtplabs/coder-action" || o.Memo["issue"] != 65 {
		t.Errorf("options = %+v", o)
	}
}

func TestTemporalSignalIssue(t *testing.T) {
	d := SignalIssue{WorkflowID: "gh-o/r-1", Event: workflows.IssueEvent{Kind: workflows.KindClosed}}
	f := &fakeTemporal{}
	if err := NewTemporalDispatcher(f, "tq").SignalIssue(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if f.method != "SignalWorkflow" || f.id != "gh-o/r-1" || f.signal != workflows.IssueEventSignal || !f.deadline {
		t.Errorf("call = %+v", f)
	}
	f.err = serviceerror.NewNotFound("workflow execution already completed")
	f.status = enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
	err := NewTemporalDispatcher(f, "tq").SignalIssue(context.Background(), d)
	if !errors.Is(err, ErrNoWorkflow) || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrWorkflowFailed) {
		t.Errorf("not found: err = %v", err)
	}
	for _, st := range []enumspb.WorkflowExecutionStatus{enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED} {
		f.status = st
		if err := NewTemporalDispatcher(f, "tq").SignalIssue(context.Background(), d); !errors.Is(err, ErrWorkflowFailed) {
			t.Errorf("%s: err = %v, want ErrWorkflowFailed", st, err)
		}
	}
}

func TestTemporalStartRelay(t *testing.T) {
	d := classifyFixture(t, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", testSettings()).(StartRelay)
	f := &fakeTemporal{}
	disp := NewTemporalDispatcher(f, "tq")
	if err := disp.StartRelay(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	o := f.opts
	if f.method != "ExecuteWorkflow" || f.workflow != workflows.RelayWorkflowName || o.ID != d.WorkflowID || o.TaskQueue != "tq" ||
		o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
		o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
		t.Errorf("call = %+v", f)
	}
	if len(f.args) != 1 || f.args[0] != any(d.Input) {
		t.Errorf("args = %#v", f.args)
	}
	f.err = serviceerror.NewWorkflowExecutionAlreadyStarted("started", "req", "run")
	if err := disp.StartRelay(context.Background(), d); err != nil {
		t.Errorf("redelivery: err = %v, want nil", err)
	}
}

func TestTemporalSignalWithStartPRRelay(t *testing.T) {
	f := &fakeTemporal{}
	d := classifyFixture(t, "issue_comment", "webhooks/issue_comment/created.captured-on-agent-pr.json", testSettings()).(StartPRRelay)
	if err := NewTemporalDispatcher(f, "tq").SignalWithStartPRRelay(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if f.method != "SignalWithStartWorkflow" || f.id != "gh-xmtplabs/coder-action/pull/64" || f.signal != workflows.PREventSignal ||
		f.workflow != workflows.PRRelayWorkflowName || !f.deadline {
		t.Errorf("call = %+v", f)
	}
	if ev, ok := f.arg.(workflows.IssueEvent); !ok || ev.DeliveryID != d.Event.DeliveryID || ev.Comment.PRNumber != 64 {
		t.Errorf("signal arg = %#v", f.arg)
	}
	if len(f.args) != 1 || f.args[0] != any(d.Input) {
		t.Errorf("workflow args = %#v", f.args)
	}
	o := f.opts
	if o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING ||
		o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE || o.Memo["pr"] != 64 {
		t.Errorf("options = %+v", o)
	}
}

func TestTemporalSignalWithStartConfig(t *testing.T) {
	d := classifyBytes(t, "push", pushWith(t, []string{"added"}, nil), pushSettings()).(StartConfig)
	f := &fakeTemporal{}
	if err := NewTemporalDispatcher(f, "tq").SignalWithStartConfig(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	o := f.opts
	if f.signal != workflows.ConfigPushSignal || f.workflow != workflows.ConfigWorkflowName || f.arg != any(d.Push) ||
		o.ID != d.WorkflowID || o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING ||
		o.Memo["repo"] != "Codertocat/Hello-World" {
		t.Errorf("call = %+v", f)
	}
}

func TestTemporalErrorMapping(t *testing.T) {
	cases := []struct {
		err         error
		unavailable bool
	}{
		{serviceerror.NewUnavailable("connection refused"), true},
		{serviceerror.NewDeadlineExceeded("deadline"), true},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{serviceerror.NewInvalidArgument("bad"), false},
		{serviceerror.NewPermissionDenied("no", ""), false},
	}
	d := StartIssue{WorkflowID: "gh-o/r-1"}
	for _, tc := range cases {
		f := &fakeTemporal{err: tc.err}
		err := NewTemporalDispatcher(f, "tq").SignalWithStartIssue(context.Background(), d)
		if err == nil || errors.Is(err, ErrUnavailable) != tc.unavailable || !errors.Is(err, tc.err) {
			t.Errorf("%T %v: err = %v, want unavailable=%v", tc.err, tc.err, err, tc.unavailable)
		}
	}
}
