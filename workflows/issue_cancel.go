package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// deliverCtx is waitCtx for deliveries, confirming cancellation in runs
// with changeHandover.
func (w *issueWorkflow) deliverCtx(ctx workflow.Context) workflow.Context {
	ctx = waitCtx(ctx)
	if w.confirmCancel {
		ctx = workflow.WithWaitForCancellation(ctx, true)
	}
	return ctx
}

// cancellable runs f with a context that the issue's end (or a rollover)
// cancels. A cancellation caused by either is not an error; interrupted
// says it happened.
func (w *issueWorkflow) cancellable(ctx workflow.Context, f func(workflow.Context) error) error {
	if w.end != nil || w.rollover {
		w.interrupted = true
		return nil
	}
	wctx, cancel := workflow.WithCancel(ctx)
	w.cancelWork = cancel
	defer func() { w.cancelWork = nil; cancel() }()
	err := f(wctx)
	if err != nil && (w.end != nil || w.rollover || w.superseded) && temporal.IsCanceledError(err) {
		w.interrupted = w.end != nil || w.rollover
		return nil
	}
	return err
}
