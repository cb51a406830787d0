package workflows

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// maxReasonLen bounds the failure reason quoted on the issue.
const maxReasonLen = 600

// close ends a run (current runs only). A run that ended cleanly or quietly
// continues as new when someone assigned the agent (or reopened the issue)
// after the end: re-assigning is how people retry. A run that failed says
// what went wrong on the issue, with a link for operators, ends the run it
// made, and fails. An operator cancelling the workflow goes the same way.
func (w *issueWorkflow) close(ctx workflow.Context, err error) error {
	var can *workflow.ContinueAsNewError
	switch {
	case errors.As(err, &can):
		return err
	case err == nil, errors.Is(err, errEnd):
		return w.restartIfAsked(ctx)
	}
	return w.fail(ctx, err)
}

// restartIfAsked drains the signals that came during the end and continues
// as new, fresh, from the first assignment or reopening after the end.
func (w *issueWorkflow) restartIfAsked(ctx workflow.Context) error {
	w.drain(ctx)
	if w.gone {
		return nil
	}
	for i, ev := range w.afterEnd {
		if !ev.Kind.Starts() && !(w.triggers && ev.MayStart()) {
			continue
		}
		next := w.in
		next.Carry = &IssueCarry{
			StatusCommentID: w.carry.StatusCommentID,
			StatusText:      w.carry.StatusText,
			Permissions:     w.carry.Permissions,
			PermissionsAt:   w.carry.PermissionsAt,
			Pending:         w.afterEnd[i:],
			SeenDeliveries:  w.seen.ids(),
		}
		w.logger.Info("the agent was assigned again after the end; starting over", "delivery", ev.DeliveryID)
		// The fresh run asks for a slot of its own.
		w.releaseSlot(ctx)
		return workflow.NewContinueAsNewError(ctx, IssueWorkflowName, next)
	}
	return nil
}

// fail tells the issue what went wrong and where an operator can look, ends
// the run it made (on a disconnected context, so a cancelled workflow still
// cleans up), and returns the cause so the workflow fails.
func (w *issueWorkflow) fail(ctx workflow.Context, cause error) error {
	w.logger.Error("issue workflow failed", "error", cause)
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if t := w.carry.Task; t != nil {
		if err := workflow.ExecuteActivity(bestEffortCtx(dctx), a.DeleteTask, *t).Get(dctx, nil); err != nil {
			w.logger.Error("the run made for this issue could not be ended", "task", t.ID, "error", err)
		} else {
			w.carry.Task = nil
		}
	}
	text := statusWorkflowFailed(failureReason(cause), w.operatorLink(ctx), w.in.Settings.AgentLogin)
	if err := w.writeStatus(bestEffortCtx(dctx), text); err != nil {
		w.logger.Error("the failure could not be told on the issue", "error", err)
	}
	return cause
}

// operatorLink is where an operator sees this run: its page in the
// Temporal UI, or its workflow ID when no UI URL is configured.
func (w *issueWorkflow) operatorLink(ctx workflow.Context) string {
	info := workflow.GetInfo(ctx)
	id := info.WorkflowExecution.ID
	if base := strings.TrimRight(w.in.Settings.TemporalUIURL, "/"); base != "" {
		return fmt.Sprintf("%s/namespaces/%s/workflows/%s/%s/history", base, url.PathEscape(info.Namespace), url.PathEscape(id), url.PathEscape(info.WorkflowExecution.RunID))
	}
	return "the workflow `" + id + "` in Temporal"
}

// failureReason is what failed, in the words of the failing step: the
// innermost application error's message (Coder's and GitHub's errors are
// redacted of tokens where they are made), cut to a paragraph.
func failureReason(err error) string {
	msg := err.Error()
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.Message() != "" {
		msg = ae.Message()
	}
	if temporal.IsCanceledError(err) {
		msg = "its workflow was cancelled in Temporal"
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		msg = "a step timed out (" + te.TimeoutType().String() + ")"
	}
	msg = strings.TrimSpace(activities.Sanitize(msg))
	if len(msg) > maxReasonLen {
		msg = msg[:maxReasonLen] + "…"
	}
	return msg
}
