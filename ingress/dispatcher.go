package ingress

import (
	"context"
	"errors"
)

// ErrNoWorkflow means the workflow a SignalIssue targets does not exist or
// has closed: there is no task for the issue.
var ErrNoWorkflow = errors.New("ingress: no running workflow")

// ErrWorkflowFailed means the issue's workflow ended in failure (it failed,
// timed out, was cancelled or terminated): there is no task, and the
// status comment on the issue says why.
var ErrWorkflowFailed = errors.New("ingress: the issue's workflow failed")

// ErrUnavailable means Temporal could not be reached; GitHub should see the
// delivery fail so it can be redelivered.
var ErrUnavailable = errors.New("ingress: temporal unavailable")

// Dispatcher hands classified deliveries to the workflow engine. Errors wrap
// ErrNoWorkflow or ErrUnavailable when those apply.
type Dispatcher interface {
	// SignalWithStartIssue signals the issue workflow, starting it if needed.
	SignalWithStartIssue(ctx context.Context, d StartIssue) error
	// SignalIssue signals a running issue workflow; ErrNoWorkflow if there
	// is none, ErrWorkflowFailed if its last run failed.
	SignalIssue(ctx context.Context, d SignalIssue) error
	// StartRelay starts a relay workflow; an already-started one is not an error.
	StartRelay(ctx context.Context, d StartRelay) error
	// SignalWithStartPRRelay signals a pull request's relay, starting it if needed.
	SignalWithStartPRRelay(ctx context.Context, d StartPRRelay) error
	// SignalWithStartConfig signals the config workflow, starting it if needed.
	SignalWithStartConfig(ctx context.Context, d StartConfig) error
	// StartSweep starts a sweep workflow; an already-started one is not an error.
	StartSweep(ctx context.Context, d StartSweep) error
}

// dispatch runs one decision on the dispatcher. Skip is never passed here.
func dispatch(ctx context.Context, disp Dispatcher, d Decision) error {
	switch d := d.(type) {
	case StartIssue:
		return disp.SignalWithStartIssue(ctx, d)
	case SignalIssue:
		return disp.SignalIssue(ctx, d)
	case StartRelay:
		return disp.StartRelay(ctx, d)
	case StartPRRelay:
		return disp.SignalWithStartPRRelay(ctx, d)
	case StartConfig:
		return disp.SignalWithStartConfig(ctx, d)
	case StartSweep:
		return disp.StartSweep(ctx, d)
	}
	return errors.New("ingress: decision cannot be dispatched")
}
