package workflows

import (
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
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
}

// configWorkflow is the state of one config workflow run.
type configWorkflow struct {
	in      ConfigWorkflowInput
	logger  log.Logger
	signal  workflow.ReceiveChannel
	pending []ConfigPush
	seen    *deliverySet
	handled int
}

// ConfigWorkflow is the per-repository workflow that handles pushes to the
// default branch touching .code-factory/config.toml, one at a time in
// order: it validates the file at the pushed commit and sets the
// code-factory/config commit status. Its ID serialises the work per repository.
func ConfigWorkflow(ctx workflow.Context, in ConfigWorkflowInput) error {
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
	w.signal = workflow.GetSignalChannel(ctx, ConfigPushSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var p ConfigPush
			w.signal.Receive(ctx, &p)
			w.accept(p)
		}
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
		ok, err := workflow.AwaitWithTimeout(ctx, configIdle, func() bool { return len(w.pending) > 0 })
		if err != nil {
			return err
		}
		if !ok {
			return w.finish(ctx, false)
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

// push validates the config at one pushed commit and sets its status. A
// push whose check keeps failing is logged and the next one is handled:
// one broken commit must not block feedback on the ones after it.
func (w *configWorkflow) push(ctx workflow.Context, p ConfigPush) {
	in := activities.ConfigPushInput{InstallationID: p.InstallationID, Repo: activities.Repo(p.Repo), Before: p.Before, After: p.After, Truncated: p.Truncated}
	var res activities.ConfigPushResult
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.CheckConfigPush, in).Get(ctx, &res); err != nil {
		w.logger.Error("config push not checked", "after", p.After, "error", err)
		return
	}
	w.logger.Info("config push checked", "after", p.After, "skipped", res.Skipped, "present", res.Present, "problems", len(res.Problems))
}

// finish receives the signals that arrived meanwhile, then ends — or
// continues as new when pushes are left (so none is lost) or force is set.
func (w *configWorkflow) finish(ctx workflow.Context, force bool) error {
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
	in.Carry = &ConfigCarry{Pending: w.pending, SeenDeliveries: w.seen.ids()}
	return workflow.NewContinueAsNewError(ctx, ConfigWorkflowName, in)
}
