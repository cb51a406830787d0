package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
)

// SlotSignaler starts or signals a repository's slot workflow
// (client.Client does).
type SlotSignaler interface {
	SignalWithStartWorkflow(ctx context.Context, workflowID string, signalName string, signalArg any,
		options client.StartWorkflowOptions, workflow any, workflowArgs ...any) (client.WorkflowRun, error)
}

// SlotRequest asks a repository's slot workflow for a task slot, or gives
// one back (Release). WorkflowID is the asking issue workflow; Cap is the
// repository's max_concurrent_tasks as the asker read it.
type SlotRequest struct {
	WorkflowID string `json:"workflow_id"`
	Cap        int    `json:"cap,omitempty"`
	Release    bool   `json:"release,omitempty"`
}

// SlotsState is the slot workflow's input: the repository and, across
// continue-as-new, who holds a slot and who waits, in order.
type SlotsState struct {
	Repo    Repo          `json:"repo"`
	Cap     int           `json:"cap,omitempty"`
	Holders []string      `json:"holders,omitempty"`
	Queue   []SlotRequest `json:"queue,omitempty"`
}

// AcquireSlotInput names the slot workflow (its ID and registered type) and
// the request to signal it with, starting it when it is not running.
type AcquireSlotInput struct {
	SlotsWorkflowID string      `json:"slots_workflow_id"`
	WorkflowType    string      `json:"workflow_type"`
	SignalName      string      `json:"signal_name"`
	Request         SlotRequest `json:"request"`
	Repo            Repo        `json:"repo"`
}

// AcquireSlot signals the repository's slot workflow with the request,
// starting it if need be (SignalWithStart, so a request is never lost
// between a slot workflow ending and a new one starting). It reports
// false when this worker has no Temporal client for it (unit tests): the
// cap is then not enforced, and no grant will come.
func (a *Activities) AcquireSlot(ctx context.Context, in AcquireSlotInput) (bool, error) {
	if a.Slots == nil {
		a.logger(ctx).Warn("no Temporal client for task slots; max_concurrent_tasks not enforced")
		return false, nil
	}
	opts := client.StartWorkflowOptions{ID: in.SlotsWorkflowID, TaskQueue: a.TaskQueue}
	if _, err := a.Slots.SignalWithStartWorkflow(ctx, in.SlotsWorkflowID, in.SignalName, in.Request, opts, in.WorkflowType, SlotsState{Repo: in.Repo}); err != nil {
		return false, fmt.Errorf("signal the slot workflow %s: %w", in.SlotsWorkflowID, err)
	}
	return true, nil
}
