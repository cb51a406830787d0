package workflows

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	ghapi "github.com/code-factory/code-factory/activities/github"
)

// Limits of one config workflow run.
const (
	// pushesPerRun is when the config workflow continues as new.
	pushesPerRun = 200
	// configIdle is how long the config workflow waits for another push
	// before it ends (the next push starts it again).
	configIdle = time.Hour
)

// ConfigCarry is the state the config workflow carries across continue-as-new.
type ConfigCarry struct {
	Pending        []ConfigPush `json:"pending,omitempty"`
	SeenDeliveries []string     `json:"seen_deliveries,omitempty"`
	// Schedules are the IDs of the schedules this repository has.
	Schedules []string `json:"schedules,omitempty"`
}

// configWorkflow is the state of one config workflow run.
type configWorkflow struct {
	in        ConfigWorkflowInput
	logger    log.Logger
	signal    workflow.ReceiveChannel
	pending   []ConfigPush
	seen      *deliverySet
	schedules []string
	handled   int
	// gone is set by ConfigGoneSignal.
	gone bool
}

// ConfigWorkflow is the per-repository workflow that handles pushes to the
// default branch touching .code-factory/config.toml, one at a time in
// order: it validates the file at the pushed commit and sets the
// code-factory/config commit status. Its ID serialises the work per repository.
func ConfigWorkflow(ctx workflow.Context, in ConfigWorkflowInput) error {
	ctx = withSettings(ctx, in.Settings)
	w := &configWorkflow{in: in}
	w.setup(ctx)
	return w.run(ctx)
}

func (w *configWorkflow) setup(ctx workflow.Context) {
	w.logger = log.With(workflow.GetLogger(ctx), "repo", w.in.Repo.FullName())
	var carry ConfigCarry
	if w.in.Carry != nil {
		carry = *w.in.Carry
	}
	w.seen = newDeliverySet(carry.SeenDeliveries)
	w.pending = carry.Pending
	w.schedules = carry.Schedules
	w.signal = workflow.GetSignalChannel(ctx, ConfigPushSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var p ConfigPush
			w.signal.Receive(ctx, &p)
			w.accept(p)
		}
	})
	gone := workflow.GetSignalChannel(ctx, ConfigGoneSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		gone.Receive(ctx, nil)
		w.gone = true
	})
}

// accept queues a push unless it is a redelivery.
func (w *configWorkflow) accept(p ConfigPush) {
	if !w.seen.add(p.DeliveryID) {
		w.logger.Info("redelivered push dropped", "delivery", p.DeliveryID)
		return
	}
	w.pending = append(w.pending, p)
}

func (w *configWorkflow) run(ctx workflow.Context) error {
	for {
		ok, err := w.await(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return w.finish(ctx, false)
		}
		if w.gone {
			w.logger.Info("repository no longer served; config workflow ends", "dropped_pushes", len(w.pending))
			return nil
		}
		p := w.pending[0]
		w.pending = w.pending[1:]
		w.push(ctx, p)
		w.handled++
		if w.handled >= pushesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.finish(ctx, true)
		}
	}
}

// await waits for a push. A repository without schedules lets the workflow
// end after configIdle (the next push starts it again); one with schedules
// keeps it, since it remembers which schedules to delete later.
func (w *configWorkflow) await(ctx workflow.Context) (bool, error) {
	more := func() bool { return len(w.pending) > 0 || w.gone }
	if len(w.schedules) > 0 {
		return true, workflow.Await(ctx, more)
	}
	return workflow.AwaitWithTimeout(ctx, configIdle, more)
}

// push validates the config at one pushed commit and sets its status. A
// push whose check keeps failing is logged and the next one is handled:
// one broken commit must not block feedback on the ones after it.
func (w *configWorkflow) push(ctx workflow.Context, p ConfigPush) {
	in := activities.ConfigPushInput{InstallationID: p.InstallationID, Repo: p.Repo, Before: p.Before, After: p.After, Truncated: p.Truncated, Resync: p.Resync}
	var res activities.ConfigPushResult
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.CheckConfigPush, in).Get(ctx, &res); err != nil {
		w.logger.Error("config push not checked", "after", p.After, "error", err)
		return
	}
	w.logger.Info("config push checked", "after", p.After, "skipped", res.Skipped, "present", res.Present, "problems", len(res.Problems))
	if res.Skipped || len(res.Problems) > 0 {
		return // an invalid file leaves the schedules as they are
	}
	w.reconcile(ctx, p, res.Jobs)
}

// reconcile makes the repository's schedules match the jobs of its config
// (none when the file was removed). Firings run as the pusher. Schedules
// that could not be made turn the push's code-factory/config status to
// error, naming the jobs; the others are made all the same.
func (w *configWorkflow) reconcile(ctx workflow.Context, p ConfigPush, jobs []activities.PlannedJob) {
	in := activities.ReconcileInput{
		WorkflowType: ScheduledJobWorkflowName, Known: w.schedules,
		Repo: w.in.Repo.FullName(), IDPrefix: ScheduleID(w.in.Settings.TaskNamePrefix, w.in.Repo.Owner, w.in.Repo.Name, ""),
	}
	for _, j := range jobs {
		in.Desired = append(in.Desired, activities.DesiredSchedule{
			ID: ScheduleID(w.in.Settings.TaskNamePrefix, w.in.Repo.Owner, w.in.Repo.Name, j.Job.Name),
			Run: activities.JobRun{
				TaskNamePrefix: w.in.Settings.TaskNamePrefix, InstallationID: p.InstallationID, Repo: w.in.Repo,
				Job: j.Job, Owner: p.Pusher, Input: j.Input,
			},
		})
	}
	var res activities.ReconcileResult
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.ReconcileSchedules, in).Get(ctx, &res); err != nil {
		w.logger.Error("schedules not reconciled", "after", p.After, "error", err)
		var names []string
		for _, j := range jobs {
			names = append(names, j.Job.Name)
		}
		w.scheduleTrouble(ctx, p, scheduleErrorText(names, "Temporal could not be reached; the next push tries again"))
		return
	}
	w.schedules = res.Known
	w.logger.Info("schedules reconciled", "created", res.Created, "updated", res.Updated, "deleted", res.Deleted, "failed", len(res.Failed))
	if len(res.Failed) > 0 {
		var names []string
		for _, f := range res.Failed {
			names = append(names, cmp.Or(f.Job, f.ID))
		}
		w.scheduleTrouble(ctx, p, scheduleErrorText(names, res.Failed[0].Reason))
	}
}

// changeScheduleFeedback marks runs that report schedule failures on the
// commit status; runs recorded before it only logged them.
const changeScheduleFeedback = "schedule-feedback-1"

// scheduleTrouble sets the push's code-factory/config status to error.
func (w *configWorkflow) scheduleTrouble(ctx workflow.Context, p ConfigPush, text string) {
	if p.Resync {
		w.logger.Error("schedules not all made again after a rename", "problem", text)
		return
	}
	if workflow.GetVersion(ctx, changeScheduleFeedback, workflow.DefaultVersion, 1) < 1 {
		return
	}
	st := ghapi.CommitStatus{State: "error", Context: activities.ConfigStatusContext, Description: text}
	in := activities.CommitStatusInput{InstallationID: p.InstallationID, Repo: p.Repo, SHA: p.After, Status: st}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.SetCommitStatus, in).Get(ctx, nil); err != nil {
		w.logger.Error("schedule failure not reported on the commit", "after", p.After, "error", err)
	}
}

// scheduleErrorText names the jobs that could not be scheduled and why.
func scheduleErrorText(jobs []string, reason string) string {
	if len(jobs) == 1 {
		return fmt.Sprintf("Scheduled job %q could not be scheduled: %s", jobs[0], reason)
	}
	quoted := make([]string, len(jobs))
	for i, j := range jobs {
		quoted[i] = strconv.Quote(j)
	}
	return fmt.Sprintf("Scheduled jobs %s could not be scheduled: %s", strings.Join(quoted, ", "), reason)
}

// finish receives the signals that arrived meanwhile, then ends — or
// continues as new when pushes are left (so none is lost) or force is set.
func (w *configWorkflow) finish(ctx workflow.Context, force bool) error {
	settle(ctx)
	for {
		var p ConfigPush
		if !w.signal.ReceiveAsync(&p) {
			break
		}
		w.accept(p)
	}
	if !force && len(w.pending) == 0 {
		return nil
	}
	in := w.in
	in.Carry = &ConfigCarry{Pending: w.pending, SeenDeliveries: w.seen.ids(), Schedules: w.schedules}
	return workflow.NewContinueAsNewError(ctx, ConfigWorkflowName, in)
}
