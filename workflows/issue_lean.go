package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// changeLean marks runs that record this one version marker instead of the
// five before it (all of them on), and make the read-only calls a start
// needs (the trigger policy, the issue, the sender's permission and teams,
// the Coder user, the task plan), the slot request and the idle chat's
// checks local activities: they run in the workflow task that asked for
// them, with no round trip through the server's task queues. Its signals
// are taken in one coroutine instead of three (docs/versioning.md).
const changeLean = "lean-start-1"

// versions reads the run's version markers, once, in setup. A lean run
// records only changeLean; runs recorded before it replay with their five.
func (w *issueWorkflow) versions(ctx workflow.Context) {
	w.lean = workflow.GetVersion(ctx, changeLean, workflow.DefaultVersion, 1) >= 1
	if w.lean {
		w.current, w.confirmCancel, w.parallelReact, w.triggers, w.limits = true, true, true, true, true
		return
	}
	w.current = workflow.GetVersion(ctx, changeEdgeCases, workflow.DefaultVersion, 1) >= 1
	w.confirmCancel = workflow.GetVersion(ctx, changeHandover, workflow.DefaultVersion, 1) >= 1
	w.parallelReact = workflow.GetVersion(ctx, changeParallelReact, workflow.DefaultVersion, 1) >= 1
	w.triggers = workflow.GetVersion(ctx, changeTriggers, workflow.DefaultVersion, 1) >= 1
	w.limits = workflow.GetVersion(ctx, changeLimits, workflow.DefaultVersion, 1) >= 1
}

// receiveAll takes the run's signals (events, a handover, slot grants) in
// one coroutine: every coroutine is a goroutine kept for as long as the
// worker caches the run, and a dev server holds thousands of open runs.
func (w *issueWorkflow) receiveAll(ctx workflow.Context) {
	handover := workflow.GetSignalChannel(ctx, IssueHandoverSignal)
	grants := workflow.GetSignalChannel(ctx, SlotGrantSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(w.signal, func(c workflow.ReceiveChannel, _ bool) {
			var ev IssueEvent
			c.Receive(ctx, &ev)
			w.onEvent(ctx, ev)
		})
		sel.AddReceive(handover, func(c workflow.ReceiveChannel, _ bool) {
			var carry IssueCarry
			c.Receive(ctx, &carry)
			w.onHandover(carry)
		})
		sel.AddReceive(grants, func(c workflow.ReceiveChannel, _ bool) {
			var g SlotGrant
			c.Receive(ctx, &g)
			w.onGrant(g)
		})
		for {
			sel.Select(ctx)
		}
	})
}

// read runs fn(in) into out: a local activity in lean runs, an activity
// (with githubCtx's options) in runs recorded before. fn must be safe to
// run again: a local activity whose workflow task is lost (a worker killed)
// runs again in the next attempt. The reads are; so is the slot request,
// which the slot workflow takes once however often it comes.
func (w *issueWorkflow) read(ctx workflow.Context, fn, in, out any) error {
	if w.lean {
		return workflow.ExecuteLocalActivity(localCtx(ctx), fn, in).Get(ctx, out)
	}
	return workflow.ExecuteActivity(githubCtx(ctx), fn, in).Get(ctx, out)
}

// look is read for a check whose failure is reported, not waited out
// (bestEffortCtx's options): the idle chat's watch.
func (w *issueWorkflow) look(ctx workflow.Context, fn, in, out any) error {
	if w.lean {
		return workflow.ExecuteLocalActivity(bestEffortLocalCtx(ctx), fn, in).Get(ctx, out)
	}
	return workflow.ExecuteActivity(bestEffortCtx(ctx), fn, in).Get(ctx, out)
}

// bestEffortLocalCtx: bestEffortCtx's options for a local activity.
func bestEffortLocalCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: callTimeout(ctx), ScheduleToCloseTimeout: bestEffortWindow, RetryPolicy: bestEffortRetry(),
	})
}

// localCtx: githubCtx's options for a local activity. Retries up to the
// workflow task timeout apart run in the worker; longer ones (GitHub's rate
// limit reset, late backoff) wait on a server timer.
func localCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: callTimeout(ctx), ScheduleToCloseTimeout: callWindow, RetryPolicy: callRetry(),
	})
}
