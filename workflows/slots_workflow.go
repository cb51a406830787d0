package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// SlotsWorkflowName is the registered name of the per-repository workflow
// that grants task slots ([limits] max_concurrent_tasks).
const SlotsWorkflowName = "SlotsWorkflow"

// SlotRequestSignal carries acquires and releases to the slot workflow, in
// one channel so their order is kept.
const SlotRequestSignal = "slot-request"

// SlotGrantSignal tells an issue workflow where it stands: granted, or how
// many wait ahead of it.
const SlotGrantSignal = "slot-grant"

// slotsCheckEvery is how often, while someone waits, the slot workflow
// checks that each holder still runs (a holder that was terminated never
// releases its slot).
const slotsCheckEvery = 5 * time.Minute

// slotsIdle is how long the slot workflow stays with nobody holding or
// waiting before it ends; the next request starts it again.
const slotsIdle = 10 * time.Minute

// SlotRequest is an acquire or a release (the activities' type).
type SlotRequest = activities.SlotRequest

// SlotsState is the slot workflow's input and carried state.
type SlotsState = activities.SlotsState

// SlotGrant is what the slot workflow tells an issue workflow (the
// activities' type).
type SlotGrant = activities.SlotGrant

// SlotsWorkflowID names a repository's slot workflow:
// "{prefix}-{owner}/{repo}/slots". With two slashes it can never equal an
// issue workflow's ID (one), nor a pull request relay's (".../pull/{n}").
func SlotsWorkflowID(prefix, owner, repo string) string {
	return fmt.Sprintf("%s-%s/%s/slots", prefix, owner, repo)
}

// ParseSlotsWorkflowID is the inverse of SlotsWorkflowID.
func ParseSlotsWorkflowID(prefix, id string) (owner, repo string, err error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != "slots" {
		return "", "", fmt.Errorf("workflow id %q: not a slots workflow id", id)
	}
	return parts[0], parts[1], nil
}

// SlotsWorkflow grants a repository's task slots in request order: at most
// Cap issue workflows hold one at a time, the others wait in order and are
// told how many are ahead whenever that changes. A holder gives its slot
// back when its task ends; one that no longer runs loses it. It continues
// as new after maxEventsPerRun requests and ends when idle.
func SlotsWorkflow(ctx workflow.Context, in SlotsState) error {
	s := &slots{st: in}
	if err := s.setup(ctx); err != nil {
		return err
	}
	return s.run(ctx)
}

type slots struct {
	st     SlotsState
	logger log.Logger
	ch     workflow.ReceiveChannel
	// handled counts the requests of this run, signals and updates.
	handled int
	// busy is set while the main loop applies a request or tells issue
	// workflows where they stand (it waits on each signal): an update
	// waits for it to clear, so the two never edit the state at once.
	busy bool
	// wake tells the main loop that an update left it something to do;
	// waiting is the wait it is in (next).
	wake    workflow.Channel
	waiting time.Duration
}

func (s *slots) setup(ctx workflow.Context) error {
	s.logger = log.With(workflow.GetLogger(ctx), "repo", s.st.Repo.FullName())
	s.ch = workflow.GetSignalChannel(ctx, SlotRequestSignal)
	s.wake = workflow.NewBufferedChannel(ctx, 1)
	return workflow.SetUpdateHandlerWithOptions(ctx, SlotAcquireUpdate, s.onAcquire,
		workflow.UpdateHandlerOptions{Validator: validateAcquire})
}

func (s *slots) run(ctx workflow.Context) error {
	for {
		var req SlotRequest
		switch s.next(ctx, &req) {
		case gotRequest:
			s.busy = true
			s.handle(ctx, req)
			s.busy = false
			s.handled++
		case gotWake:
			if s.room() && len(s.st.Queue) > 0 {
				s.busy = true
				s.grant(ctx)
				s.busy = false
			}
		default:
			if s.idle() {
				if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
					return err
				}
				if s.idle() {
					return nil
				}
				continue
			}
			s.busy = true
			s.checkHolders(ctx)
			s.busy = false
		}
		if s.handled >= maxEventsPerRun {
			s.busy = true
			for s.ch.ReceiveAsync(&req) {
				s.handle(ctx, req)
			}
			s.busy = false
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			return workflow.NewContinueAsNewError(ctx, SlotsWorkflowName, s.st)
		}
	}
}

// What next returned.
const (
	timedOut = iota
	gotRequest
	gotWake
)

// idle is whether nobody holds a slot or waits for one.
func (s *slots) idle() bool { return len(s.st.Holders) == 0 && len(s.st.Queue) == 0 }

// room is whether a slot is free.
func (s *slots) room() bool { return len(s.st.Holders) < max(1, s.st.Cap) }

// waitFor is how long the main loop waits for a request in this state:
// while someone waits, up to slotsCheckEvery; with nobody holding or
// waiting, up to slotsIdle; otherwise (0) for as long as it takes.
func (s *slots) waitFor() time.Duration {
	switch {
	case len(s.st.Queue) > 0:
		return slotsCheckEvery
	case len(s.st.Holders) == 0:
		return slotsIdle
	}
	return 0
}

// next waits for a request, for waitFor, or until an update wakes it.
func (s *slots) next(ctx workflow.Context, req *SlotRequest) int {
	if s.ch.ReceiveAsync(req) {
		return gotRequest
	}
	s.waiting = s.waitFor()
	got := timedOut
	sel := workflow.NewSelector(ctx).
		AddReceive(s.ch, func(c workflow.ReceiveChannel, _ bool) {
			if c.ReceiveAsync(req) {
				got = gotRequest
			}
		}).
		AddReceive(s.wake, func(c workflow.ReceiveChannel, _ bool) {
			c.ReceiveAsync(nil)
			got = gotWake
		})
	if s.waiting > 0 {
		tctx, cancel := workflow.WithCancel(ctx)
		defer cancel()
		sel.AddFuture(workflow.NewTimer(tctx, s.waiting), func(workflow.Future) {})
	}
	sel.Select(ctx)
	return got
}

// handle applies one request and tells whoever's standing changed.
func (s *slots) handle(ctx workflow.Context, req SlotRequest) {
	if req.Cap > 0 {
		s.st.Cap = req.Cap
	}
	id := req.WorkflowID
	switch {
	case req.Release:
		s.st.Holders = slices.DeleteFunc(s.st.Holders, func(h string) bool { return h == id })
		s.st.Queue = slices.DeleteFunc(s.st.Queue, func(q SlotRequest) bool { return q.WorkflowID == id })
		s.logger.Info("slot released", "workflow_id", id)
	case slices.Contains(s.st.Holders, id):
		s.tell(ctx, id, SlotGrant{Granted: true})
		return
	case slices.ContainsFunc(s.st.Queue, func(q SlotRequest) bool { return q.WorkflowID == id }):
		s.tellQueue(ctx)
		return
	default:
		s.st.Queue = append(s.st.Queue, req)
	}
	s.grant(ctx)
}

// grant gives free slots to the first in the queue, then tells the rest
// how many are ahead.
func (s *slots) grant(ctx workflow.Context) {
	for len(s.st.Queue) > 0 && len(s.st.Holders) < max(1, s.st.Cap) {
		next := s.st.Queue[0]
		s.st.Queue = s.st.Queue[1:]
		if s.tell(ctx, next.WorkflowID, SlotGrant{Granted: true}) {
			s.st.Holders = append(s.st.Holders, next.WorkflowID)
			s.logger.Info("slot granted", "workflow_id", next.WorkflowID, "running", len(s.st.Holders))
		}
	}
	s.tellQueue(ctx)
}

// tellQueue tells every waiting workflow its place; one that no longer
// runs leaves the queue.
func (s *slots) tellQueue(ctx workflow.Context) {
	kept := s.st.Queue[:0]
	for _, q := range s.st.Queue {
		if s.tell(ctx, q.WorkflowID, SlotGrant{Ahead: len(kept), Running: len(s.st.Holders), Cap: s.st.Cap}) {
			kept = append(kept, q)
		}
	}
	s.st.Queue = kept
}

// checkHolders drops holders that no longer run (a signal to them fails),
// and grants their slots.
func (s *slots) checkHolders(ctx workflow.Context) {
	kept := []string{}
	for _, h := range s.st.Holders {
		if s.tell(ctx, h, SlotGrant{Granted: true}) {
			kept = append(kept, h)
		} else {
			s.logger.Warn("a slot holder no longer runs; its slot is free", "workflow_id", h)
		}
	}
	s.st.Holders = kept
	s.grant(ctx)
}

// tell signals an issue workflow; false when it does not run.
func (s *slots) tell(ctx workflow.Context, id string, g SlotGrant) bool {
	if err := workflow.SignalExternalWorkflow(ctx, id, "", SlotGrantSignal, g).Get(ctx, nil); err != nil {
		s.logger.Info("slot workflow could not reach a workflow", "workflow_id", id, "error", err)
		return false
	}
	return true
}
