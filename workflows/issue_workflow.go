package workflows

import (
	"errors"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
)

// maxEventsPerRun is when a run continues as new on its own count: the
// server's suggestion ignores the 10,000-signals-per-run limit.
const maxEventsPerRun = 500

// errEnd ends the workflow quietly (nothing left to do, not a failure).
var errEnd = errors.New("issue workflow ends")

// IssueWorkflow is the long-lived workflow of one issue. It creates the
// Coder task when the agent is assigned, forwards comments and CI failures
// to it one at a time in arrival order, and deletes it when the issue is
// closed or the agent unassigned.
func IssueWorkflow(ctx workflow.Context, in IssueWorkflowInput) error {
	ctx = withSettings(ctx, in.Settings)
	w := &issueWorkflow{in: in}
	w.setup(ctx)
	err := w.run(ctx)
	if !w.current {
		if errors.Is(err, errEnd) {
			return nil
		}
		return err
	}
	return w.close(ctx, err)
}

// changeEdgeCases is the version marker of the behaviour a run recorded
// before it lacks: failures explained and cleaned up, a start after the end
// served, permissions re-checked, undelivered comments noted, CI failures
// collapsed per workflow file (docs/versioning.md).
const changeEdgeCases = "edge-cases-1"

// issueWorkflow is the state of one run.
type issueWorkflow struct {
	in     IssueWorkflowInput
	logger log.Logger
	signal workflow.ReceiveChannel

	carry IssueCarry
	seen  *deliverySet
	// end is the closing or unassigning event, once received.
	end *IssueEvent
	// cancelWork cancels the wait in progress when the issue ends.
	cancelWork workflow.CancelFunc
	// delivering is the CI failure being delivered; superseded is set when a
	// newer failure of the same head commit replaced it.
	delivering *CIFailure
	superseded bool
	handled    int
	// watchStep counts the chat checks since the last input (the wait
	// between checks doubles with it).
	watchStep int
	// current is set for runs with changeEdgeCases; afterEnd holds the
	// events received after the end, in order (current runs only).
	current  bool
	afterEnd []IssueEvent
}

// setup restores carried state and starts receiving signals.
func (w *issueWorkflow) setup(ctx workflow.Context) {
	w.logger = log.With(workflow.GetLogger(ctx), "repo", w.in.Repo.FullName(), "issue", w.in.IssueNumber)
	w.current = workflow.GetVersion(ctx, changeEdgeCases, workflow.DefaultVersion, 1) >= 1
	if w.in.Carry != nil {
		w.carry = *w.in.Carry
	}
	if w.carry.Permissions == nil {
		w.carry.Permissions = map[string]string{}
	}
	w.seen = newDeliverySet(w.carry.SeenDeliveries)
	pending := w.carry.Pending
	w.carry.Pending = nil
	for _, ev := range pending {
		w.enqueue(ev)
	}
	w.signal = workflow.GetSignalChannel(ctx, IssueEventSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var ev IssueEvent
			w.signal.Receive(ctx, &ev)
			w.accept(ev)
		}
	})
}

// accept filters redeliveries and queues an event.
func (w *issueWorkflow) accept(ev IssueEvent) {
	if !w.seen.add(ev.DeliveryID) {
		w.logger.Info("redelivery dropped", "delivery", ev.DeliveryID)
		return
	}
	w.enqueue(ev)
}

func (w *issueWorkflow) enqueue(ev IssueEvent) {
	if w.current && w.end != nil {
		w.afterEnd = append(w.afterEnd, ev)
		return
	}
	if ev.Kind == KindCIFailure && ev.CIFailure != nil && w.delivering != nil &&
		w.sameRun(*w.delivering, *ev.CIFailure) && w.cancelWork != nil {
		w.superseded = true
		w.cancelWork()
	}
	if ev.Kind.Ends() {
		if w.end == nil {
			w.end = &ev
			if w.cancelWork != nil {
				w.cancelWork()
			}
		}
		return
	}
	w.carry.Pending = append(w.carry.Pending, ev)
}

// run starts the task if needed, then serves events until the issue ends.
func (w *issueWorkflow) run(ctx workflow.Context) error {
	if w.carry.Task == nil {
		if err := w.start(ctx); err != nil {
			return err
		}
	}
	for {
		more, err := w.await(ctx)
		if err != nil {
			return err
		}
		if !more {
			if err := w.watch(ctx); err != nil {
				return err
			}
			continue
		}
		if w.end != nil {
			return w.finish(ctx)
		}
		if err := w.next(ctx); err != nil {
			return err
		}
		w.watchStep = 0
		w.handled++
		if w.handled >= w.eventsPerRun() || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.continueAsNew(ctx)
		}
	}
}

// await waits for an event. For a chat it gives up after the current watch
// delay (more is false: time to check the chat); a task waits for events
// only, as histories recorded with tasks expect.
func (w *issueWorkflow) await(ctx workflow.Context) (more bool, err error) {
	ready := func() bool { return w.end != nil || len(w.carry.Pending) > 0 }
	if w.carry.Task == nil || w.carry.Task.KindOrTask() != coder.KindChat {
		return true, workflow.Await(ctx, ready)
	}
	return workflow.AwaitWithTimeout(ctx, w.watchDelay(), ready)
}

// eventsPerRun is when this run continues as new.
func (w *issueWorkflow) eventsPerRun() int {
	if n := w.in.Settings.EventsPerRun; n > 0 {
		return n
	}
	return maxEventsPerRun
}

// start waits for the assigning event and creates the task.
func (w *issueWorkflow) start(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return w.end != nil || len(w.carry.Pending) > 0 }); err != nil {
		return err
	}
	if w.end != nil && len(w.carry.Pending) == 0 {
		return errEnd
	}
	ev := w.pop()
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
	var user activities.CoderUser
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.LookupCoderUser, ev.Sender.ID).Get(ctx, &user); err != nil {
		return err
	}
	if user.Matches != 1 {
		return w.endWithStatus(ctx, statusNoCoderUser(ev.Sender.Login, user.Matches))
	}
	spec, err := w.taskSpec(ctx, user.Username, check)
	if err != nil {
		return err
	}
	var created activities.CreateTaskResult
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.CreateTask, activities.CreateTaskInput{Spec: *spec}).Get(ctx, &created); err != nil {
		return err
	}
	task := created.Task
	w.carry.Task = &task
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
func (w *issueWorkflow) taskSpec(ctx workflow.Context, owner string, issue activities.IssueCheck) (*coder.CreateSpec, error) {
	issueURL := issue.URL
	name, err := TaskName(w.in.Settings.TaskNamePrefix, w.in.Repo.Name, w.in.IssueNumber)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "BadTaskName", nil)
	}
	var plan activities.TaskPlan
	in := activities.PlanTaskInput{Issue: w.issueRef(), IssueURL: issueURL, Requester: w.carry.Requester.Login, Title: issue.Title}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.PlanTask, in).Get(ctx, &plan); err != nil {
		return nil, err
	}
	if len(plan.Problems) > 0 {
		return nil, w.endWithStatus(ctx, statusInvalidConfig(plan.Problems))
	}
	return &coder.CreateSpec{
		Name: name, Owner: owner, TemplateName: plan.TemplateName, Input: plan.Input,
		Prompt: plan.Prompt, Params: plan.Params,
		Labels:   coder.IssueLabels(w.in.Repo.ID, w.in.Repo.FullName(), w.in.IssueNumber),
		Identity: issueURL,
	}, nil
}

// next handles the oldest pending event.
func (w *issueWorkflow) next(ctx workflow.Context) error {
	ev := w.pop()
	switch {
	case ev.Kind.IsComment():
		return w.comments(ctx, ev)
	case ev.Kind == KindCIFailure:
		return w.ciFailure(ctx, ev)
	case ev.Kind.Starts():
		w.logger.Info("task already exists; assignment ignored", "delivery", ev.DeliveryID)
	}
	return nil
}

// finish deletes the task (interrupts and archives the chat) and says so
// on the issue, with what a chat cost and how long it ran.
func (w *issueWorkflow) finish(ctx workflow.Context) error {
	if w.carry.Task != nil {
		if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *w.carry.Task).Get(ctx, nil); err != nil {
			return err
		}
	}
	text := statusCompleted()
	if w.end.Kind == KindUnassigned {
		text = statusUnassigned()
	}
	if w.carry.Task != nil && w.carry.Task.KindOrTask() == coder.KindChat {
		text += w.costLine(ctx)
	}
	if w.carry.Task == nil && w.carry.StatusCommentID == 0 {
		return nil
	}
	return w.setStatus(ctx, text)
}

// continueAsNew drains pending signals and continues with the carried state.
func (w *issueWorkflow) continueAsNew(ctx workflow.Context) error {
	for {
		var ev IssueEvent
		if !w.signal.ReceiveAsync(&ev) {
			break
		}
		w.accept(ev)
	}
	if w.end != nil {
		return w.finish(ctx)
	}
	carry := w.carry
	carry.SeenDeliveries = w.seen.ids()
	next := w.in
	next.Carry = &carry
	w.logger.Info("continuing as new", "pending", len(carry.Pending))
	return workflow.NewContinueAsNewError(ctx, IssueWorkflowName, next)
}

// pop removes the oldest pending event.
func (w *issueWorkflow) pop() IssueEvent {
	ev := w.carry.Pending[0]
	w.carry.Pending = w.carry.Pending[1:]
	return ev
}

// cancellable runs f with a context that the issue's end cancels. A
// cancellation caused by the end is not an error.
func (w *issueWorkflow) cancellable(ctx workflow.Context, f func(workflow.Context) error) error {
	if w.end != nil {
		return nil
	}
	wctx, cancel := workflow.WithCancel(ctx)
	w.cancelWork = cancel
	defer func() { w.cancelWork = nil; cancel() }()
	err := f(wctx)
	if err != nil && (w.end != nil || w.superseded) && temporal.IsCanceledError(err) {
		return nil
	}
	return err
}

// setStatus writes the status comment: text, then what people should know
// of the run (who asked, the pull request, the agent's error, skipped
// outsiders).
func (w *issueWorkflow) setStatus(ctx workflow.Context, text string) error {
	return w.writeStatus(githubCtx(ctx), text)
}

// writeStatus is setStatus with the caller's activity options.
func (w *issueWorkflow) writeStatus(ctx workflow.Context, text string) error {
	var id int64
	in := activities.StatusInput{Issue: w.issueRef(), Text: w.statusBody(text), CommentID: w.carry.StatusCommentID}
	if err := workflow.ExecuteActivity(ctx, a.SetStatus, in).Get(ctx, &id); err != nil {
		return err
	}
	w.carry.StatusCommentID = id
	w.carry.StatusText = text
	return nil
}

// endWithStatus tells the person on the issue and ends the workflow.
func (w *issueWorkflow) endWithStatus(ctx workflow.Context, text string) error {
	if err := w.setStatus(ctx, text); err != nil {
		return err
	}
	return errEnd
}

// permission returns a user's repository permission, cached per author
// for Settings.PermissionTTL of workflow time (for good in runs recorded
// before changeEdgeCases).
func (w *issueWorkflow) permission(ctx workflow.Context, login string) (string, error) {
	key := strings.ToLower(login)
	if p, ok := w.carry.Permissions[key]; ok && (!w.current || workflow.Now(ctx).Sub(w.carry.PermissionsAt[key]) < w.permissionTTL()) {
		return p, nil
	}
	var check activities.AuthorCheck
	in := activities.AuthorInput{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Login: login}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.CheckAuthor, in).Get(ctx, &check); err != nil {
		return "", err
	}
	p := check.Permission
	if check.Bot {
		p = "bot"
	}
	w.carry.Permissions[key] = p
	if w.current {
		if w.carry.PermissionsAt == nil {
			w.carry.PermissionsAt = map[string]time.Time{}
		}
		w.carry.PermissionsAt[key] = workflow.Now(ctx)
	}
	return p, nil
}

// defaultPermissionTTL is PERMISSION_CACHE_TTL's default.
const defaultPermissionTTL = 10 * time.Minute

func (w *issueWorkflow) permissionTTL() time.Duration {
	if d := w.in.Settings.PermissionTTL; d > 0 {
		return d
	}
	return defaultPermissionTTL
}

func (w *issueWorkflow) issueRef() activities.IssueRef {
	return activities.IssueRef{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Number: w.in.IssueNumber}
}

// mayWrite reports whether a permission may steer the agent.
func mayWrite(p string) bool { return p == "admin" || p == "maintain" || p == "write" }
