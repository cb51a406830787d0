package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// changeLimits marks runs that wait for one of the repository's task slots
// ([limits] max_concurrent_tasks) before they create a task, and give it
// back when they end (docs/versioning.md).
const changeLimits = "limits-1"

// Where a run stands with the repository's slot workflow (IssueCarry.Slot).
const (
	slotQueued = "queued"
	slotHeld   = "held"
)

// receiveGrants keeps the latest word of the slot workflow (runs with
// changeLimits).
func (w *issueWorkflow) receiveGrants(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SlotGrantSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var g SlotGrant
			ch.Receive(ctx, &g)
			w.onGrant(g)
		}
	})
}

// onGrant keeps the slot workflow's latest word.
func (w *issueWorkflow) onGrant(g SlotGrant) {
	w.grant = g
	w.grants++
}

// acquireSlot waits for a task slot of the repository, telling the issue
// how many wait ahead while it is queued. It returns with no slot when the
// issue ended meanwhile, and at once when the cap is not enforced.
func (w *issueWorkflow) acquireSlot(ctx workflow.Context) error {
	if !w.limits || w.cap <= 0 || w.carry.Slot == slotHeld {
		return nil
	}
	in := activities.AcquireSlotInput{
		SlotsWorkflowID: SlotsWorkflowID(w.in.Settings.TaskNamePrefix, w.in.Repo.Owner, w.in.Repo.Name),
		WorkflowType:    SlotsWorkflowName,
		SignalName:      SlotRequestSignal,
		Request:         SlotRequest{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Cap: w.cap},
		Repo:            w.in.Repo,
	}
	seen := w.grants
	var enforced bool
	if err := w.read(ctx, a.AcquireSlot, in, &enforced); err != nil || !enforced {
		return err
	}
	w.carry.Slot = slotQueued
	for {
		if err := workflow.Await(ctx, func() bool { return w.end != nil || w.grants != seen }); err != nil {
			return err
		}
		if w.end != nil {
			return nil
		}
		seen = w.grants
		if w.grant.Granted {
			w.carry.Slot = slotHeld
			w.phase = PhaseStarting
			return nil
		}
		w.phase = PhaseQueued
		if err := w.setStatus(ctx, statusQueued(w.grant)); err != nil {
			return err
		}
	}
}

// releaseSlot gives the run's slot (or its place in the queue) back, on a
// disconnected context so a cancelled run still does. Failing to reach the
// slot workflow is logged: it finds holders that no longer run by itself.
func (w *issueWorkflow) releaseSlot(ctx workflow.Context) {
	if w.carry.Slot == "" {
		return
	}
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	id := SlotsWorkflowID(w.in.Settings.TaskNamePrefix, w.in.Repo.Owner, w.in.Repo.Name)
	req := SlotRequest{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Release: true}
	if err := workflow.SignalExternalWorkflow(dctx, id, "", SlotRequestSignal, req).Get(dctx, nil); err != nil {
		w.logger.Warn("task slot not released", "slots_workflow_id", id, "error", err)
	}
	w.carry.Slot = ""
}

// releaseUnlessContinued releases the run's slot unless the run continues
// as new with its state (and so keeps the slot).
func (w *issueWorkflow) releaseUnlessContinued(ctx workflow.Context, result error) error {
	var can *workflow.ContinueAsNewError
	if !errors.As(result, &can) {
		w.releaseSlot(ctx)
	}
	return result
}

// statusQueued says the task waits for a slot.
func statusQueued(g SlotGrant) string {
	return fmt.Sprintf("Queued: %d of %d task slots of this repository are in use (`max_concurrent_tasks` in `.code-factory/config.toml`), %d ahead of this one. The task starts when one ends.",
		g.Running, g.Cap, g.Ahead)
}
