package workflows

import "go.temporal.io/sdk/workflow"

// settle lets every other coroutine that is ready run before the caller
// goes on, without a command. The signal-receiving coroutines are handed a
// signal before they run; if the workflow returned first (continuing as
// new, ending), that signal would be lost. Call it before the last drain.
func settle(ctx workflow.Context) {
	done := false
	workflow.Go(ctx, func(workflow.Context) { done = true })
	// The condition is checked once the coroutines created before this one
	// have run; Await adds nothing to the history.
	_ = workflow.Await(ctx, func() bool { return done })
}

// drain settles, then takes every signal already received into the run.
func (w *issueWorkflow) drain(ctx workflow.Context) {
	settle(ctx)
	for {
		var ev IssueEvent
		if !w.signal.ReceiveAsync(&ev) {
			return
		}
		w.accept(ev)
	}
}
