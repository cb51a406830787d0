package workflows

import (
	"errors"
	"path"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// Limits of one batched input: comments waiting together are sent as one
// input, each keeping its header block, up to these bounds.
const (
	maxBatchComments = 10
	maxBatchBytes    = 256 << 10
)

// comments forwards the comment ev and the comments queued right behind it
// as one input once the task is ready.
func (w *issueWorkflow) comments(ctx workflow.Context, ev IssueEvent) error {
	var inputs []string
	size := 0
	w.reacts = nil
	for {
		msg, ok := w.prepare(ctx, ev)
		if ok {
			inputs = append(inputs, msg)
			size += len(msg)
		}
		if w.end != nil || len(w.carry.Pending) == 0 || !w.carry.Pending[0].Kind.IsComment() || w.command(w.carry.Pending[0]) != "" ||
			len(inputs) >= maxBatchComments || size >= maxBatchBytes {
			break
		}
		ev = w.pop()
		w.handling = append(w.handling, ev)
	}
	// The "eyes" reactions go out together, beside the delivery, not one
	// after another before it (runs with changeParallelReact).
	var reacts []workflow.Future
	for _, in := range w.reacts {
		reacts = append(reacts, workflow.ExecuteActivity(githubCtx(ctx), a.React, in))
	}
	w.reacts = nil
	defer func() {
		for _, f := range reacts {
			if err := f.Get(ctx, nil); err != nil {
				w.logger.Warn("eyes reaction failed", "error", err)
			}
		}
	}()
	if len(inputs) == 0 || w.end != nil {
		return nil
	}
	if w.current {
		// Only a CI failure can be superseded; a comment's failure is
		// always reported.
		w.superseded = false
	}
	return w.deliver(ctx, func(wctx workflow.Context) error {
		args := activities.DeliverInputArgs{Task: *w.carry.Task, Input: JoinInputs(inputs)}
		return workflow.ExecuteActivity(w.deliverCtx(wctx), a.DeliverInput, args).Get(wctx, nil)
	})
}

// prepare checks a comment's author, acknowledges it with "eyes" and
// renders it. ok is false when it must not be forwarded.
func (w *issueWorkflow) prepare(ctx workflow.Context, ev IssueEvent) (string, bool) {
	c := ev.Comment
	if c == nil {
		return "", false
	}
	login := c.Author.Login
	if strings.EqualFold(login, w.in.Settings.AgentLogin) || (w.in.Settings.BotLogin != "" && strings.EqualFold(login, w.in.Settings.BotLogin)) {
		w.logger.Info("comment by the agent or the App not forwarded", "author", login)
		return "", false
	}
	perm, err := w.permission(ctx, login)
	if err != nil {
		w.logger.Error("author permission check failed; comment not forwarded", "author", login, "error", err)
		if w.current {
			w.note(ctx, noteUnchecked(login, c.URL))
		}
		return "", false
	}
	if perm == "bot" {
		w.logger.Info("comment by the App not forwarded", "author", login)
		return "", false
	}
	if !mayWrite(perm) {
		w.logger.Info("comment by a user without write access not forwarded", "author", login, "permission", perm)
		w.noteOutsider(ctx, login)
		return "", false
	}
	if c.Elided {
		body, ok := w.elidedBody(ctx, ev)
		if !ok {
			return "", false
		}
		cp := *c
		cp.Body, cp.Elided = body, false
		c = &cp
	}
	if ev.Kind != KindReview {
		in := activities.ReactInput{InstallationID: w.in.InstallationID, Repo: activities.Repo(w.in.Repo), CommentID: c.ID, Review: ev.Kind == KindReviewComment}
		if w.parallelReact {
			w.reacts = append(w.reacts, in)
		} else if err := workflow.ExecuteActivity(githubCtx(ctx), a.React, in).Get(ctx, nil); err != nil {
			w.logger.Warn("eyes reaction failed", "comment", c.ID, "error", err)
		}
	}
	return FormatComment(ev.Kind, *c), true
}

// noteOutsider says on the status comment, once per outsider, that comments
// from people without write access are not forwarded.
func (w *issueWorkflow) noteOutsider(ctx workflow.Context, login string) {
	for _, o := range w.carry.Outsiders {
		if strings.EqualFold(o, login) {
			return
		}
	}
	w.carry.Outsiders = append(w.carry.Outsiders, login)
	if err := w.setStatus(ctx, w.carry.StatusText); err != nil {
		w.logger.Warn("status comment not updated", "error", err)
	}
}

// ciFailure relays a failed CI run. Failures of the same head commit that
// pile up while the agent is busy collapse into the newest: a queued newer
// one makes this one a no-op, and a newer one arriving while this one waits
// for the task cancels this one.
func (w *issueWorkflow) ciFailure(ctx workflow.Context, ev IssueEvent) error {
	f := ev.CIFailure
	if f == nil {
		return nil
	}
	for _, p := range w.carry.Pending {
		if p.Kind == KindCIFailure && p.CIFailure != nil && w.sameRun(*f, *p.CIFailure) {
			w.logger.Info("failed run collapsed into a newer one", "run", f.RunID, "newer", p.CIFailure.RunID)
			return nil
		}
	}
	w.delivering, w.superseded = f, false
	defer func() { w.delivering = nil }()
	return w.deliver(ctx, func(wctx workflow.Context) error {
		in := activities.CIRelayInput{InstallationID: w.in.InstallationID, Repo: activities.Repo(w.in.Repo), Run: *f, Task: *w.carry.Task}
		return workflow.ExecuteActivity(w.deliverCtx(wctx), a.RelayCIFailure, in).Get(wctx, nil)
	})
}

// sameRun reports whether two failures are of the same check, so the newer
// replaces the older: the same head commit and workflow file (the head
// commit alone in runs recorded before changeEdgeCases).
func (w *issueWorkflow) sameRun(x, y CIFailure) bool {
	if x.HeadSHA != y.HeadSHA {
		return false
	}
	return !w.current || path.Base(x.WorkflowPath) == path.Base(y.WorkflowPath)
}

// note adds a line to the status comment (kept across updates); failing
// to write it is logged.
func (w *issueWorkflow) note(ctx workflow.Context, line string) {
	w.carry.Notes = append(w.carry.Notes, line)
	if len(w.carry.Notes) > maxNotes {
		w.carry.Notes = w.carry.Notes[len(w.carry.Notes)-maxNotes:]
	}
	if err := w.setStatus(ctx, w.carry.StatusText); err != nil {
		w.logger.Warn("status comment not updated", "error", err)
	}
}

// maxNotes bounds the notes kept on the status comment.
const maxNotes = 5

// deliver runs a delivering activity that the issue's end may cancel. A
// task that never became ready is reported on the status comment; other
// failures are logged and the workflow goes on serving events.
func (w *issueWorkflow) deliver(ctx workflow.Context, send func(workflow.Context) error) error {
	if w.carry.Task == nil {
		return nil
	}
	w.phase = PhaseDelivering
	defer func() { w.phase = PhaseIdle }()
	err := w.cancellable(ctx, send)
	if err == nil && !w.interrupted {
		w.carry.Delivered++
	}
	if err == nil || w.superseded {
		return nil
	}
	var ae *temporal.ApplicationError
	notReady := errors.As(err, &ae) && ae.Type() == activities.ErrTypeTaskNotReady
	w.logger.Warn("input not delivered", "task_not_ready", notReady, "error", err)
	w.carry.LastError = failureReason(err)
	return w.setStatus(ctx, statusUndelivered(w.carry.Task.URL, notReady))
}
