package ingress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/code-factory/code-factory/workflows"
)

// temporalCallTimeout bounds every call to Temporal, well inside GitHub's
// 10-second delivery timeout.
const temporalCallTimeout = 5 * time.Second

// TemporalDispatcher is the Dispatcher backed by a Temporal client.
type TemporalDispatcher struct {
	c         client.Client
	taskQueue string
}

// NewTemporalDispatcher returns a Dispatcher that starts and signals
// workflows on taskQueue through c.
func NewTemporalDispatcher(c client.Client, taskQueue string) *TemporalDispatcher {
	return &TemporalDispatcher{c: c, taskQueue: taskQueue}
}

// SignalWithStartIssue implements Dispatcher. It returns once the server has
// persisted the signal; no worker needs to be running.
func (t *TemporalDispatcher) SignalWithStartIssue(ctx context.Context, d StartIssue) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	opts := t.signalWithStartOptions(d.WorkflowID, workflows.IssueMemo(d.Input.Repo, d.Input.IssueNumber, d.Input.InstallationID))
	_, err := t.c.SignalWithStartWorkflow(ctx, d.WorkflowID, workflows.IssueEventSignal, d.Event,
		opts, workflows.IssueWorkflowName, d.Input)
	return mapTemporalError(ctx, "signal-with-start issue workflow", err)
}

// SignalIssue implements Dispatcher. A missing or closed workflow is ErrNoWorkflow.
func (t *TemporalDispatcher) SignalIssue(ctx context.Context, d SignalIssue) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	err := t.c.SignalWorkflow(ctx, d.WorkflowID, "", workflows.IssueEventSignal, d.Event)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		if t.failed(ctx, d.WorkflowID) {
			return fmt.Errorf("signal issue workflow %s: %w", d.WorkflowID, ErrWorkflowFailed)
		}
		return fmt.Errorf("signal issue workflow %s: %w", d.WorkflowID, ErrNoWorkflow)
	}
	return mapTemporalError(ctx, "signal issue workflow", err)
}

// failed reports whether a closed workflow's last run ended in failure.
// A workflow that cannot be described counts as not failed.
func (t *TemporalDispatcher) failed(ctx context.Context, id string) bool {
	desc, err := t.c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || desc.GetWorkflowExecutionInfo() == nil {
		return false
	}
	switch desc.GetWorkflowExecutionInfo().GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
		enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return true
	}
	return false
}

// StartRelay implements Dispatcher. The workflow id is derived from the
// delivery id, so a redelivery finds it already started and is a no-op.
// It does not wait for the workflow's result.
func (t *TemporalDispatcher) StartRelay(ctx context.Context, d StartRelay) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	opts := client.StartWorkflowOptions{
		ID:                                       d.WorkflowID,
		TaskQueue:                                t.taskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		Memo:                                     map[string]any{"repo": d.Input.Event.Repo.FullName()},
	}
	_, err := t.c.ExecuteWorkflow(ctx, opts, workflows.RelayWorkflowName, d.Input)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return mapTemporalError(ctx, "start relay workflow", err)
}

// StartSweep implements Dispatcher. Like StartRelay, its id is derived from
// the delivery id, so a redelivery is a no-op.
func (t *TemporalDispatcher) StartSweep(ctx context.Context, d StartSweep) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	opts := client.StartWorkflowOptions{
		ID:                                       d.WorkflowID,
		TaskQueue:                                t.taskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		Memo:                                     map[string]any{"installation": d.Input.InstallationID, "reason": string(d.Input.Reason)},
	}
	_, err := t.c.ExecuteWorkflow(ctx, opts, workflows.SweepWorkflowName, d.Input)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return mapTemporalError(ctx, "start sweep workflow", err)
}

// SignalWithStartPRRelay implements Dispatcher. It returns once the server
// has persisted the signal, so the relay sees the pull request's events in
// the order they were accepted here.
func (t *TemporalDispatcher) SignalWithStartPRRelay(ctx context.Context, d StartPRRelay) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	opts := t.signalWithStartOptions(d.WorkflowID, map[string]any{"repo": d.Input.Repo.FullName(), "pr": d.Input.PRNumber})
	_, err := t.c.SignalWithStartWorkflow(ctx, d.WorkflowID, workflows.PREventSignal, d.Event,
		opts, workflows.PRRelayWorkflowName, d.Input)
	return mapTemporalError(ctx, "signal-with-start pull request relay", err)
}

// SignalWithStartConfig implements Dispatcher.
func (t *TemporalDispatcher) SignalWithStartConfig(ctx context.Context, d StartConfig) error {
	ctx, cancel := context.WithTimeout(ctx, temporalCallTimeout)
	defer cancel()
	opts := t.signalWithStartOptions(d.WorkflowID, map[string]any{"repo": d.Input.Repo.FullName(), "installation": d.Input.InstallationID})
	_, err := t.c.SignalWithStartWorkflow(ctx, d.WorkflowID, workflows.ConfigPushSignal, d.Push,
		opts, workflows.ConfigWorkflowName, d.Input)
	return mapTemporalError(ctx, "signal-with-start config workflow", err)
}

// signalWithStartOptions are the options of a long-lived workflow: join the
// running one, or start a new run after a closed one.
func (t *TemporalDispatcher) signalWithStartOptions(id string, memo map[string]any) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                t.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		Memo:                     memo,
	}
}

// mapTemporalError wraps err with what was being done, adding ErrUnavailable
// when Temporal could not be reached or did not answer in time.
func mapTemporalError(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if isUnavailable(err) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isUnavailable reports whether err means Temporal is unreachable.
func isUnavailable(err error) bool {
	var (
		unavailable   *serviceerror.Unavailable
		deadline      *serviceerror.DeadlineExceeded
		nsUnavailable *serviceerror.NamespaceUnavailable
		netErr        net.Error
	)
	switch {
	case errors.As(err, &unavailable), errors.As(err, &deadline), errors.As(err, &nsUnavailable),
		errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	if s, ok := status.FromError(err); ok {
		switch s.Code() {
		case codes.Unavailable, codes.DeadlineExceeded:
			return true
		}
	}
	return false
}
