package workflows

import (
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// PREventSignal is the signal of the per-pull-request relay workflow: every
// comment, review comment and review on the pull request, in the order
// GitHub delivered them.
const PREventSignal = "pr-event"

// prRelayIdle is how long a pull request's relay waits for its next event
// before it ends; the next event starts it again (SignalWithStart).
const prRelayIdle = 15 * time.Minute

// PRRelayInput starts the relay of one pull request. Issue is carried
// across continue-as-new once resolved (0: not resolved yet).
type PRRelayInput struct {
	Settings       Settings `json:"settings"`
	InstallationID int64    `json:"installation_id"`
	Repo           Repo     `json:"repo"`
	PRNumber       int      `json:"pr_number"`
	Issue          int      `json:"issue,omitempty"`
}

// PRRelayWorkflow forwards a pull request's comments and reviews to the
// workflow of the issue the pull request closes, one at a time in arrival
// order, so two comments never overtake each other. It resolves the issue
// once (and again on the next event while the pull request closes none),
// ends after prRelayIdle without events, and continues as new after
// EventsPerRun events.
func PRRelayWorkflow(ctx workflow.Context, in PRRelayInput) error {
	ctx = withSettings(ctx, in.Settings)
	r := &prRelay{in: in}
	r.setup(ctx)
	return r.run(ctx)
}

type prRelay struct {
	in     PRRelayInput
	logger log.Logger
	ch     workflow.ReceiveChannel
}

func (r *prRelay) setup(ctx workflow.Context) {
	r.logger = log.With(workflow.GetLogger(ctx), "repo", r.in.Repo.FullName(), "pr", r.in.PRNumber)
	r.ch = workflow.GetSignalChannel(ctx, PREventSignal)
}

func (r *prRelay) run(ctx workflow.Context) error {
	handled := 0
	for {
		var ev IssueEvent
		if !r.next(ctx, &ev) {
			r.logger.Info("pull request relay idle; ending")
			return nil
		}
		if err := r.forward(ctx, ev); err != nil {
			return err
		}
		if handled++; handled < r.perRun() {
			continue
		}
		// Drain what is already buffered, then continue as new: signals
		// are never lost across the boundary.
		for r.ch.ReceiveAsync(&ev) {
			if err := r.forward(ctx, ev); err != nil {
				return err
			}
		}
		return workflow.NewContinueAsNewError(ctx, PRRelayWorkflowName, r.in)
	}
}

// next receives the next event, waiting up to prRelayIdle; false when the
// pull request went quiet. A buffered event is taken without a timer, and
// the timer of a wait that got an event is cancelled, so a busy pull
// request leaves no timers to fire later.
func (r *prRelay) next(ctx workflow.Context, ev *IssueEvent) bool {
	if r.ch.ReceiveAsync(ev) {
		return true
	}
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	got := false
	workflow.NewSelector(ctx).
		AddReceive(r.ch, func(c workflow.ReceiveChannel, _ bool) { got = c.ReceiveAsync(ev) }).
		AddFuture(workflow.NewTimer(tctx, prRelayIdle), func(workflow.Future) {}).
		Select(ctx)
	return got
}

func (r *prRelay) perRun() int {
	if n := r.in.Settings.EventsPerRun; n > 0 {
		return n
	}
	return maxEventsPerRun
}

// forward signals one event to the linked issue's workflow and waits for
// the signal to be accepted before the next one.
func (r *prRelay) forward(ctx workflow.Context, ev IssueEvent) error {
	if r.in.Issue == 0 {
		in := activities.LinkedIssueInput{InstallationID: r.in.InstallationID, Repo: r.in.Repo, PRNumber: r.in.PRNumber}
		if err := workflow.ExecuteActivity(githubCtx(ctx), a.LinkedIssue, in).Get(ctx, &r.in.Issue); err != nil {
			return err
		}
	}
	if r.in.Issue == 0 {
		r.logger.Info("pull request closes no issue of this repository; nothing to relay", "delivery", ev.DeliveryID)
		return nil
	}
	ev.IssueNumber = r.in.Issue
	id := IssueWorkflowID(r.in.Settings.TaskNamePrefix, r.in.Repo.Owner, r.in.Repo.Name, r.in.Issue)
	if err := workflow.SignalExternalWorkflow(ctx, id, "", IssueEventSignal, ev).Get(ctx, nil); err != nil {
		r.logger.Info("no running workflow for the linked issue; not relayed", "workflow_id", id, "delivery", ev.DeliveryID, "error", err)
		return nil
	}
	r.logger.Info("relayed", "workflow_id", id, "delivery", ev.DeliveryID)
	return nil
}
