package activities

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// SlotSignaler starts a repository's slot workflow and signals or updates
// it (client.Client does).
type SlotSignaler interface {
	SignalWithStartWorkflow(ctx context.Context, workflowID string, signalName string, signalArg any,
		options client.StartWorkflowOptions, workflow any, workflowArgs ...any) (client.WorkflowRun, error)
	NewWithStartWorkflowOperation(options client.StartWorkflowOptions, workflow any, args ...any) client.WithStartWorkflowOperation
	UpdateWithStartWorkflow(ctx context.Context, options client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error)
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

// SlotGrant is where an issue workflow stands with the slot workflow:
// granted, or queued behind Ahead others while Running of Cap slots are
// held.
type SlotGrant struct {
	Granted bool `json:"granted"`
	Ahead   int  `json:"ahead"`
	Running int  `json:"running"`
	Cap     int  `json:"cap"`
}

// SlotAnswer is RequestSlot's result: whether the cap is enforced at all
// (false without a Temporal client, in unit tests), and the slot
// workflow's answer.
type SlotAnswer struct {
	Enforced bool      `json:"enforced"`
	Grant    SlotGrant `json:"grant"`
}

// AcquireSlotInput names the slot workflow (its ID and registered type) and
// the request to signal it with, starting it when it is not running.
type AcquireSlotInput struct {
	SlotsWorkflowID string      `json:"slots_workflow_id"`
	WorkflowType    string      `json:"workflow_type"`
	SignalName      string      `json:"signal_name,omitempty"`
	UpdateName      string      `json:"update_name,omitempty"`
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

// RequestSlot asks the repository's slot workflow for a slot with an
// update, starting the workflow if it is not running (UpdateWithStart, so
// a request is never lost between a slot workflow ending and a new one
// starting), and returns its answer: granted, or queued with the place.
// One round trip, where AcquireSlot's signal waits for a grant signal back.
// Asking again is harmless: a holder is told it holds, a queued run its
// place.
func (a *Activities) RequestSlot(ctx context.Context, in AcquireSlotInput) (SlotAnswer, error) {
	if a.Slots == nil {
		a.logger(ctx).Warn("no Temporal client for task slots; max_concurrent_tasks not enforced")
		return SlotAnswer{}, nil
	}
	start := a.Slots.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: in.SlotsWorkflowID, TaskQueue: a.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, in.WorkflowType, SlotsState{Repo: in.Repo})
	h, err := a.Slots.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: in.UpdateName, Args: []any{in.Request}, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return SlotAnswer{}, fmt.Errorf("ask the slot workflow %s: %w", in.SlotsWorkflowID, err)
	}
	var g SlotGrant
	if err := h.Get(ctx, &g); err != nil {
		return SlotAnswer{}, fmt.Errorf("the slot workflow %s's answer: %w", in.SlotsWorkflowID, err)
	}
	return SlotAnswer{Enforced: true, Grant: g}, nil
}
