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

// SlotGrant is what the slot workflow tells an issue workflow.
type SlotGrant struct {
	Granted bool `json:"granted"`
	// Ahead is how many wait before it in the queue; Running how many
	// hold a slot (when not granted).
	Ahead   int `json:"ahead"`
	Running int `json:"running"`
	Cap     int `json:"cap"`
}

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
	s.setup(ctx)
	return s.run(ctx)
}

type slots struct {
	st     SlotsState
	logger log.Logger
	ch     workflow.ReceiveChannel
}

func (s *slots) setup(ctx workflow.Context) {
	s.logger = log.With(workflow.GetLogger(ctx), "repo", s.st.Repo.FullName())
	s.ch = workflow.GetSignalChannel(ctx, SlotRequestSignal)
}

func (s *slots) run(ctx workflow.Context) error {
	handled := 0
	for {
		var req SlotRequest
		got := s.next(ctx, &req)
		if !got {
			if len(s.st.Holders) == 0 && len(s.st.Queue) == 0 {
				return nil
			}
			s.checkHolders(ctx)
			continue
		}
		s.handle(ctx, req)
		if handled++; handled >= maxEventsPerRun {
			for s.ch.ReceiveAsync(&req) {
				s.handle(ctx, req)
			}
			return workflow.NewContinueAsNewError(ctx, SlotsWorkflowName, s.st)
		}
	}
}

// next waits for a request: while someone waits, up to slotsCheckEvery;
// with nobody holding or waiting, up to slotsIdle; otherwise for as long as
// it takes. false when the wait timed out.
func (s *slots) next(ctx workflow.Context, req *SlotRequest) bool {
	if s.ch.ReceiveAsync(req) {
		return true
	}
	wait := time.Duration(0)
	switch {
	case len(s.st.Queue) > 0:
		wait = slotsCheckEvery
	case len(s.st.Holders) == 0:
		wait = slotsIdle
	}
	if wait == 0 {
		s.ch.Receive(ctx, req)
		return true
	}
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	got := false
	workflow.NewSelector(ctx).
		AddReceive(s.ch, func(c workflow.ReceiveChannel, _ bool) { got = c.ReceiveAsync(req) }).
		AddFuture(workflow.NewTimer(tctx, wait), func(workflow.Future) {}).
		Select(ctx)
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
