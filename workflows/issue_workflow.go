package workflows

import (
	"errors"

	"go.temporal.io/sdk/log"
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
	return w.releaseUnlessContinued(ctx, w.close(ctx, err))
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
	// chatWaiting is set when the last check found the chat waiting for
	// input; an input clears it.
	chatWaiting bool
	// current is set for runs with changeEdgeCases; afterEnd holds the
	// events received after the end, in order (current runs only).
	current  bool
	afterEnd []IssueEvent
	// handling are the events being handled; interrupted is set when the
	// end cancelled their delivery. A rename puts them back for the run
	// under the new name.
	handling    []IssueEvent
	interrupted bool
	// confirmCancel is set for runs with changeHandover: a delivery the end
	// cancels is waited on until the activity confirms, so a delivery that
	// landed anyway is known and not repeated by the run of a new name.
	confirmCancel bool
	// awaiting is set for a run started ahead of a handover; handed is
	// the state the run of the old name sent.
	awaiting bool
	handed   *IssueCarry
	// phase is what the run is doing (StatusQuery).
	phase Phase
	// rollover is set when the run's history reached its bound: the run
	// continues as new at the next step.
	rollover bool
	// parallelReact is set for runs with changeParallelReact; reacts are
	// the reactions of the batch being prepared.
	parallelReact bool
	// triggers is set in runs with changeTriggers: mentions and labels
	// start tasks under the repository's policy, and commands are answered.
	triggers bool
	reacts   []activities.ReactInput
	// limits is set in runs with changeLimits: a task waits for one of
	// the repository's cap slots. cap is the cap read at the start; grant
	// is the slot workflow's latest word, grants counts them.
	limits bool
	// gone is set when the issue is gone: nothing after restarts it.
	gone   bool
	cap    int
	grant  SlotGrant
	grants int
	// lean is set in runs with changeLean (and so every change before it):
	// a start's reads, the slot request and the idle chat's checks are
	// local activities, and one coroutine takes the signals.
	lean bool
}

// changeParallelReact marks runs that send a batch's "eyes" reactions
// together, beside the delivery (docs/versioning.md).
const changeParallelReact = "parallel-react-1"

// changeHandover is the version marker of runs that wait for a cancelled
// delivery to confirm (docs/versioning.md).
const changeHandover = "handover-1"

// setup restores carried state and starts receiving signals.
func (w *issueWorkflow) setup(ctx workflow.Context) {
	w.logger = log.With(workflow.GetLogger(ctx), "repo", w.in.Repo.FullName(), "issue", w.in.IssueNumber)
	w.versions(ctx)
	if w.limits && !w.lean {
		w.receiveGrants(ctx)
	}
	if w.in.Carry != nil {
		w.carry = *w.in.Carry
	}
	w.awaiting, w.carry.AwaitHandover = w.carry.AwaitHandover, false
	if w.carry.Permissions == nil {
		w.carry.Permissions = map[string]string{}
	}
	w.seen = newDeliverySet(w.carry.SeenDeliveries)
	pending := w.carry.Pending
	w.restorePending(pending)
	w.carry.Pending = nil
	for _, ev := range pending {
		w.enqueue(ev)
	}
	if err := w.registerQuery(ctx); err != nil {
		w.logger.Error("status query not registered", "error", err)
	}
	w.signal = workflow.GetSignalChannel(ctx, IssueEventSignal)
	if w.lean {
		w.receiveAll(ctx)
		return
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var ev IssueEvent
			w.signal.Receive(ctx, &ev)
			w.onEvent(ctx, ev)
		}
	})
	handover := workflow.GetSignalChannel(ctx, IssueHandoverSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var c IssueCarry
			handover.Receive(ctx, &c)
			w.onHandover(c)
		}
	})
}

// onEvent takes an issue event signal.
func (w *issueWorkflow) onEvent(ctx workflow.Context, ev IssueEvent) {
	w.accept(ev)
	w.checkBounds(ctx)
}

// onHandover takes the state the run of the old name sent (the first).
func (w *issueWorkflow) onHandover(c IssueCarry) {
	if w.handed == nil {
		w.handed = &c
	}
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
	// Removing a label ends only the run that label started; runs from
	// before changeTriggers have none, so a new ingress's unlabel never
	// ends them.
	if ev.Kind == KindUnlabeled && !w.endsHere(ev) {
		w.logger.Info("a label that did not start the task was removed", "label", ev.Label)
		return
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
	if w.awaiting {
		if err := w.receiveHandover(ctx); err != nil {
			return err
		}
	}
	if w.carry.Task == nil {
		if err := w.start(ctx); err != nil {
			return err
		}
	}
	w.phase = PhaseIdle
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
		if w.handed != nil {
			if err := w.adopt(ctx); err != nil {
				return err
			}
			w.watchStep, w.chatWaiting = 0, false
			continue
		}
		if w.end != nil {
			return w.finish(ctx)
		}
		if err := w.next(ctx); err != nil {
			return err
		}
		w.watchStep, w.chatWaiting = 0, false
		w.handled++
		if w.handled >= w.eventsPerRun() || w.rollover || w.runTooBig(ctx) || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.continueAsNew(ctx)
		}
	}
}

// await waits for an event. For a chat it gives up after the current watch
// delay (more is false: time to check the chat); a task waits for events
// only, as histories recorded with tasks expect.
func (w *issueWorkflow) await(ctx workflow.Context) (more bool, err error) {
	ready := func() bool { return w.end != nil || len(w.carry.Pending) > 0 || w.handed != nil }
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

// next handles the oldest pending event.
func (w *issueWorkflow) next(ctx workflow.Context) error {
	ev := w.pop()
	w.handling, w.interrupted = []IssueEvent{ev}, false
	var err error
	switch cmd := w.command(ev); {
	case cmd != "":
		err = w.runCommand(ctx, ev, cmd)
	case ev.Kind.IsComment():
		err = w.comments(ctx, ev)
	case ev.Kind == KindCIFailure:
		err = w.ciFailure(ctx, ev)
	case ev.Kind == KindPushed:
		err = w.pushed(ctx, ev)
	case ev.Kind.Starts():
		w.logger.Info("task already exists; assignment ignored", "delivery", ev.DeliveryID)
	}
	if err == nil && w.interrupted && ((w.end != nil && w.end.Kind == KindRenamed) || (w.end == nil && w.rollover)) {
		w.carry.Pending = append(w.handling, w.carry.Pending...)
	}
	w.handling = nil
	return err
}

// finish deletes the task (interrupts and archives the chat) and says so
// on the issue, with what a chat cost and how long it ran.
func (w *issueWorkflow) finish(ctx workflow.Context) error {
	switch w.end.Kind {
	case KindRenamed:
		return w.handover(ctx)
	case KindGone:
		return w.finishGone(ctx)
	}
	if w.carry.Task != nil {
		if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *w.carry.Task).Get(ctx, nil); err != nil {
			return err
		}
	}
	text := statusEnded(*w.end)
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
	w.drain(ctx)
	if w.end != nil {
		return w.finish(ctx)
	}
	carry := w.carry
	carry.SeenDeliveries = w.seen.ids()
	if w.confirmCancel {
		carry.Pending = w.compactPending(carry.Pending)
	}
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

func (w *issueWorkflow) issueRef() activities.IssueRef {
	return activities.IssueRef{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Number: w.in.IssueNumber}
}
