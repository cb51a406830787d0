package workflows

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// finishGone ends the run of an issue code-factory can no longer serve: it
// ends the task, and when the issue went somewhere the App may still reach
// (a transfer), says so there. Deleted issues, deleted repositories and
// lost installations get no comment: GitHub would refuse it.
func (w *issueWorkflow) finishGone(ctx workflow.Context) error {
	// Nothing here can start again, not even an event drained after
	// this (restartIfAsked looks at gone).
	w.afterEnd, w.gone = nil, true
	g := w.end.Gone
	if g == nil {
		g = &Gone{}
	}
	w.logger.Info("issue is gone; ending its run", "reason", g.Reason)
	if w.carry.Task != nil {
		if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *w.carry.Task).Get(ctx, nil); err != nil {
			return err
		}
	}
	if g.To == nil || (w.carry.Task == nil && w.carry.StatusCommentID == 0) {
		return errEnd
	}
	// The status comment moves with a transferred issue: edit it there.
	in := activities.StatusInput{
		Issue:     activities.IssueRef{InstallationID: w.in.InstallationID, Repo: g.To.Repo, Number: g.To.Number},
		Text:      statusMovedAway(g, w.in.Repo.FullName(), w.in.IssueNumber, w.in.Settings.AgentLogin),
		CommentID: w.carry.StatusCommentID,
	}
	if err := workflow.ExecuteActivity(bestEffortCtx(ctx), a.SetStatus, in).Get(ctx, nil); err != nil {
		w.logger.Info("the issue's new location could not be told", "to", g.To.Repo.FullName(), "error", err)
	}
	return errEnd
}

// statusMovedAway is the status comment of an issue whose run ended because
// it, or its repository, moved.
func statusMovedAway(g *Gone, from string, number int, agent string) string {
	if g.Reason == GoneRepoTransferred {
		return fmt.Sprintf("Task ended: the repository was transferred (it was %s), and code-factory does not carry tasks across owners. Assign @%s again to start a new one.", from, agent)
	}
	return fmt.Sprintf("Task ended: this issue was transferred here from %s#%d. Assign @%s here to start a new one.", from, number, agent)
}

// handover moves the run of a renamed repository's issue to the workflow
// of the new name, which every later delivery is addressed to. The task,
// the status comment and the events not yet handled go with it; the task
// keeps running. The new workflow is started as an abandoned child, then
// this one ends.
func (w *issueWorkflow) handover(ctx workflow.Context) error {
	w.drain(ctx)
	to := w.end.Repo
	pending := append(append([]IssueEvent(nil), w.carry.Pending...), w.afterEnd...)
	w.afterEnd = nil
	for i := range pending {
		pending[i].Repo = to
	}
	carry := w.carry
	carry.Pending = pending
	carry.SeenDeliveries = w.seen.ids()
	next := IssueWorkflowInput{Settings: w.in.Settings, Repo: to, IssueNumber: w.in.IssueNumber, InstallationID: w.in.InstallationID, Carry: &carry}
	id := IssueWorkflowID(w.in.Settings.TaskNamePrefix, to.Owner, to.Name, w.in.IssueNumber)
	// The sweep started the new workflow ahead, so deliveries under the new
	// name are buffered there: send it the state.
	if err := workflow.SignalExternalWorkflow(ctx, id, "", IssueHandoverSignal, carry).Get(ctx, nil); err == nil {
		w.logger.Info("repository renamed; the issue's run moved", "to", to.FullName(), "workflow_id", id)
		return errEnd
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            id,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		Memo:                  IssueMemo(to, w.in.IssueNumber, w.in.InstallationID),
	})
	var started workflow.Execution
	err := workflow.ExecuteChildWorkflow(cctx, IssueWorkflowName, next).GetChildWorkflowExecution().Get(ctx, &started)
	switch {
	case temporal.IsWorkflowExecutionAlreadyStartedError(err):
		// Someone assigned the agent under the new name before the move:
		// that run owns the issue now, so this one's task must not linger.
		w.logger.Warn("the issue already has a workflow under the new name; ending this run's task", "workflow_id", id)
		if w.carry.Task != nil {
			if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *w.carry.Task).Get(ctx, nil); err != nil {
				return err
			}
		}
		return errEnd
	case err != nil:
		return err
	}
	w.logger.Info("repository renamed; the issue's run moved", "to", to.FullName(), "workflow_id", id, "run_id", started.RunID)
	return errEnd
}

// IssueMemo is the memo of an issue workflow: what operators (and the
// sweep after an uninstall) find it by.
func IssueMemo(repo Repo, issue int, installation int64) map[string]any {
	return map[string]any{"repo": repo.FullName(), "issue": issue, "installation": installation}
}

// receiveHandover waits (up to handoverWait) for the state of the run under
// the repository's old name, buffering the events that come meanwhile.
func (w *issueWorkflow) receiveHandover(ctx workflow.Context) error {
	w.awaiting = false
	ok, err := workflow.AwaitWithTimeout(ctx, handoverWait, func() bool { return w.handed != nil })
	if err != nil {
		return err
	}
	if !ok {
		w.logger.Warn("no handover came from the repository's old name", "pending", len(w.carry.Pending))
		if len(w.carry.Pending) == 0 && w.end == nil {
			return errEnd
		}
		return nil
	}
	return w.adopt(ctx)
}

// adopt takes over the state the run of the old name handed over: its
// task, status comment and pending events, which came before the ones this
// run buffered. A run that has a task of its own by then (someone assigned
// the agent under the new name first) keeps it and ends the handed one.
func (w *issueWorkflow) adopt(ctx workflow.Context) error {
	h := *w.handed
	w.handed = nil
	if w.carry.Task != nil {
		if h.Task != nil && h.Task.ID != w.carry.Task.ID {
			w.logger.Warn("handover of a run while this one has its own task; ending the handed one", "task", h.Task.ID)
			return workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *h.Task).Get(ctx, nil)
		}
		return nil
	}
	h.Pending = append(h.Pending, w.carry.Pending...)
	for _, id := range h.SeenDeliveries {
		w.seen.add(id)
	}
	h.SeenDeliveries = nil
	if h.Permissions == nil {
		h.Permissions = map[string]string{}
	}
	w.carry = h
	w.logger.Info("took over the run of the repository's old name", "pending", len(h.Pending))
	return nil
}
