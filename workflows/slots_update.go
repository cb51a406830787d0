package workflows

import (
	"errors"
	"slices"

	"go.temporal.io/sdk/workflow"
)

// SlotAcquireUpdate asks the slot workflow for a task slot and answers at
// once: granted, or queued with how many are ahead. A queued run is told
// later, by SlotGrantSignal, when its slot comes. Releases stay signals
// (SlotRequestSignal).
const SlotAcquireUpdate = "slot-acquire"

// validateAcquire rejects, before anything is recorded, an update that is
// not an acquire by a named workflow.
func validateAcquire(_ workflow.Context, req SlotRequest) error {
	switch {
	case req.WorkflowID == "":
		return errors.New("slot request without a workflow id")
	case req.Release:
		return errors.New("a release is the slot-request signal, not an update")
	}
	return nil
}

// onAcquire is the SlotAcquireUpdate handler. It waits while the main loop
// is busy, then admits the request in one step, so asking twice is
// harmless: a holder is told it holds, a queued run its place.
func (s *slots) onAcquire(ctx workflow.Context, req SlotRequest) (SlotGrant, error) {
	if err := workflow.Await(ctx, func() bool { return !s.busy }); err != nil {
		return SlotGrant{}, err
	}
	g := s.admit(req)
	s.handled++
	// Wake the main loop when it has something to do: grant a slot the
	// raised cap freed, leave a wait this state no longer calls for (the
	// idle timer once someone holds a slot), or continue as new.
	if (s.room() && len(s.st.Queue) > 0) || s.waitFor() != s.waiting || s.handled >= maxEventsPerRun {
		s.wake.SendAsync(struct{}{})
	}
	return g, nil
}

// admit applies an acquire: a holder holds, a queued run keeps its place,
// a newcomer gets a free slot when nobody waits ahead of it, or joins the
// back of the queue.
func (s *slots) admit(req SlotRequest) SlotGrant {
	if req.Cap > 0 {
		s.st.Cap = req.Cap
	}
	id := req.WorkflowID
	if slices.Contains(s.st.Holders, id) {
		return SlotGrant{Granted: true}
	}
	at := slices.IndexFunc(s.st.Queue, func(q SlotRequest) bool { return q.WorkflowID == id })
	if at < 0 && len(s.st.Queue) == 0 && s.room() {
		s.st.Holders = append(s.st.Holders, id)
		s.logger.Info("slot granted", "workflow_id", id, "running", len(s.st.Holders))
		return SlotGrant{Granted: true}
	}
	if at < 0 {
		at = len(s.st.Queue)
		s.st.Queue = append(s.st.Queue, req)
	}
	return SlotGrant{Ahead: at, Running: len(s.st.Holders), Cap: s.st.Cap}
}
