package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
)

// start waits for the assigning event and creates the task.
func (w *issueWorkflow) start(ctx workflow.Context) error {
	for {
		if err := workflow.Await(ctx, func() bool { return w.end != nil || len(w.carry.Pending) > 0 || w.handed != nil }); err != nil {
			return err
		}
		if w.handed == nil {
			break
		}
		if err := w.adopt(ctx); err != nil {
			return err
		}
		if w.carry.Task != nil {
			return nil // the run of the old name made it
		}
	}
	if w.end != nil && (w.end.Kind == KindRenamed || w.end.Kind == KindGone) {
		return w.finish(ctx)
	}
	if w.end != nil && len(w.carry.Pending) == 0 {
		return errEnd
	}
	ev := w.pop()
	w.phase = PhaseStarting
	if w.triggers {
		return w.startTriggered(ctx, ev)
	}
	if !ev.Kind.Starts() {
		w.logger.Warn("first event does not start a task; ending", "kind", ev.Kind)
		return errEnd
	}
	w.carry.Requester = ev.Sender
	issue := w.issueRef()

	var check activities.IssueCheck
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.CheckIssue, activities.CheckIssueInput{Issue: issue, AgentLogin: w.in.Settings.AgentLogin}).Get(ctx, &check); err != nil {
		return err
	}
	if !check.Open || !check.AgentAssigned {
		w.logger.Info("issue is closed or no longer assigned to the agent; ending", "open", check.Open)
		return errEnd
	}
	perm, err := w.permission(ctx, ev.Sender.Login)
	if err != nil {
		return err
	}
	if !mayWrite(perm) {
		w.logger.Info("assigner may not start the agent", "assigner", ev.Sender.Login, "permission", perm)
		return w.endWithStatus(ctx, statusNotPermitted(ev.Sender.Login, w.in.Settings.AgentLogin))
	}
	return w.create(ctx, ev, check, "")
}

// startTriggered is start in runs with changeTriggers: the event must be a
// trigger under the repository's policy, by someone the policy lets start
// the agent; a refusal is explained once, on the status comment.
func (w *issueWorkflow) startTriggered(ctx workflow.Context, ev IssueEvent) error {
	if !ev.MayStart() {
		w.logger.Info("first event does not start a task; ending", "kind", ev.Kind)
		return errEnd
	}
	ad, err := w.admit(ctx, ev)
	if err != nil {
		return err
	}
	if !ad.ok {
		w.logger.Info("not a trigger here; ending", "kind", ev.Kind, "label", ev.Label)
		return errEnd
	}
	w.carry.Requester = ev.Sender
	var check activities.IssueCheck
	if err := w.read(ctx, a.CheckIssue, activities.CheckIssueInput{Issue: w.issueRef(), AgentLogin: w.in.Settings.AgentLogin}, &check); err != nil {
		return err
	}
	assignment := ev.Kind == KindAssigned || ev.Kind == KindReopened
	if !check.Open || (assignment && !check.AgentAssigned) {
		w.logger.Info("issue is closed or no longer assigned to the agent; ending", "open", check.Open)
		return errEnd
	}
	perm, err := w.triggerPermission(ctx, ad.policy, ev.Sender.Login)
	if err != nil {
		return err
	}
	member := false
	if mayWrite(perm) {
		if member, err = w.inTeam(ctx, ad.policy, ev.Sender.Login); err != nil {
			return err
		}
	}
	if why := refusal(ad.policy, ev.Sender.Login, perm, member); why != "" {
		w.logger.Info("trigger refused", "sender", ev.Sender.Login, "permission", perm, "kind", ev.Kind)
		if ev.Kind == KindPROpened {
			// Nobody asked: an automatic review is not one person's
			// request to refuse on the pull request.
			return errEnd
		}
		if assignment && !mayWrite(perm) {
			return w.endWithStatus(ctx, statusNotPermitted(ev.Sender.Login, w.in.Settings.AgentLogin))
		}
		return w.endWithStatus(ctx, statusRefused(ev.Sender.Login, why))
	}
	w.carry.Phrase = ad.policy.EffectivePhrase(w.in.Settings.AgentLogin)
	if ev.Kind == KindLabeled {
		w.carry.TriggerLabel = ev.Label
	}
	if w.in.PR {
		w.carry.PushNotes = ad.review.OnPush
	}
	w.cap = ad.limits.MaxConcurrentTasks
	if ad.request != "" && ev.Comment != nil && ev.Comment.ID != 0 && ev.Kind != KindReview {
		in := activities.ReactInput{InstallationID: w.in.InstallationID, Repo: activities.Repo(w.in.Repo), CommentID: ev.Comment.ID, Review: ev.Kind == KindReviewComment}
		if err := workflow.ExecuteActivity(githubCtx(ctx), a.React, in).Get(ctx, nil); err != nil {
			w.logger.Warn("eyes reaction failed", "comment", ev.Comment.ID, "error", err)
		}
	}
	return w.create(ctx, ev, check, ad.request)
}

// create makes the task as the requester's Coder user and waits for it to
// be running. request is the asking comment (a mention), sent with the
// first message.
func (w *issueWorkflow) create(ctx workflow.Context, ev IssueEvent, check activities.IssueCheck, request string) error {
	var user activities.CoderUser
	if err := w.read(ctx, a.LookupCoderUser, ev.Sender.ID, &user); err != nil {
		return err
	}
	if user.Matches != 1 {
		return w.endWithStatus(ctx, statusNoCoderUser(ev.Sender.Login, user.Matches))
	}
	spec, inInput, err := w.taskSpec(ctx, user.Username, check, request)
	if err != nil {
		return err
	}
	if err := w.acquireSlot(ctx); err != nil || w.end != nil {
		return err
	}
	var created activities.CreateTaskResult
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.CreateTask, activities.CreateTaskInput{Spec: *spec}).Get(ctx, &created); err != nil {
		return err
	}
	task := created.Task
	w.carry.Task = &task
	if request != "" && !inInput && task.KindOrTask() != coder.KindChat {
		// A task with JSON template inputs gets the asking comment as
		// its first input.
		w.carry.Pending = append([]IssueEvent{ev}, w.carry.Pending...)
	}
	if task.KindOrTask() == coder.KindChat {
		w.carry.StartedAt = workflow.Now(ctx)
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{"task_id": task.ID, "task_owner": task.Owner}); err != nil {
		return err
	}
	if err := w.setStatus(ctx, statusCreated(task.URL)); err != nil {
		return err
	}
	var active bool
	err = w.cancellable(ctx, func(wctx workflow.Context) error {
		return workflow.ExecuteActivity(waitCtx(wctx), a.WaitForActive, created.Task).Get(wctx, &active)
	})
	if err != nil || w.end != nil {
		return err
	}
	if active {
		return w.setStatus(ctx, statusRunning(task.URL))
	}
	return w.setStatus(ctx, statusFailed(task.URL))
}

// taskSpec is what to create, from the repository's config file if it has
// one. An invalid config file is explained on the issue and ends the workflow.
func (w *issueWorkflow) taskSpec(ctx workflow.Context, owner string, issue activities.IssueCheck, request string) (*coder.CreateSpec, bool, error) {
	issueURL := issue.URL
	name, err := TaskName(w.in.Settings.TaskNamePrefix, w.in.Repo.Name, w.in.IssueNumber)
	if err != nil {
		return nil, false, temporal.NewNonRetryableApplicationError(err.Error(), "BadTaskName", nil)
	}
	var plan activities.TaskPlan
	in := activities.PlanTaskInput{Issue: w.issueRef(), IssueURL: issueURL, Requester: w.carry.Requester.Login, Title: issue.Title, Request: request, PR: w.in.PR}
	if err := w.read(ctx, a.PlanTask, in, &plan); err != nil {
		return nil, false, err
	}
	if len(plan.Problems) > 0 {
		return nil, false, w.endWithStatus(ctx, statusInvalidConfig(plan.Problems))
	}
	return &coder.CreateSpec{
		Name: name, Owner: owner, TemplateName: plan.TemplateName, Input: plan.Input,
		Prompt: plan.Prompt, Params: plan.Params,
		Labels:   coder.IssueLabels(w.in.Repo.ID, w.in.Repo.FullName(), w.in.IssueNumber),
		Identity: issueURL,
	}, plan.RequestInInput, nil
}
