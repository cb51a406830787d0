package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities/coder"
)

// StatusQuery is the issue workflow's query: what `code-factory status`
// prints.
const StatusQuery = "status"

// Phase is what an issue's run is doing.
type Phase string

// The phases of an issue's run.
const (
	PhaseWaitingForAssignment Phase = "waiting for an assignment"
	PhaseStarting             Phase = "starting the task"
	PhaseQueued               Phase = "queued: waiting for one of the repository's task slots"
	PhaseIdle                 Phase = "idle: waiting for comments"
	PhaseDelivering           Phase = "delivering an input (waiting for the agent to be ready)"
	PhaseEnding               Phase = "ending"
)

// IssueStatus answers StatusQuery.
type IssueStatus struct {
	Repo  Repo  `json:"repo"`
	Issue int   `json:"issue"`
	Phase Phase `json:"phase"`
	// Task is the Coder task or chat, nil before it is made.
	Task *coder.Ref `json:"task,omitempty"`
	// Requester assigned the agent.
	Requester Actor `json:"requester"`
	// StatusText is the status comment's text; AgentError the agent's last
	// error (chats); PullRequest the agent's pull request once known.
	StatusText  string `json:"status_text,omitempty"`
	AgentError  string `json:"agent_error,omitempty"`
	PullRequest string `json:"pull_request,omitempty"`
	// Delivered and Waiting count inputs delivered and waiting to be.
	Delivered int `json:"delivered"`
	Waiting   int `json:"waiting"`
	// LastError is the last delivery failure.
	LastError string `json:"last_error,omitempty"`
	// Notes are the status comment's notes (comments not forwarded).
	Notes []string `json:"notes,omitempty"`
}

// registerQuery answers StatusQuery from the run's state.
func (w *issueWorkflow) registerQuery(ctx workflow.Context) error {
	return workflow.SetQueryHandler(ctx, StatusQuery, func() (IssueStatus, error) {
		phase := w.phase
		if phase == "" {
			phase = PhaseWaitingForAssignment
		}
		if w.end != nil {
			phase = PhaseEnding
		}
		return IssueStatus{
			Repo: w.in.Repo, Issue: w.in.IssueNumber, Phase: phase, Task: w.carry.Task, Requester: w.carry.Requester,
			StatusText: w.carry.StatusText, AgentError: w.carry.AgentError, PullRequest: w.carry.PullRequest,
			Delivered: w.carry.Delivered, Waiting: len(w.carry.Pending), LastError: w.carry.LastError, Notes: w.carry.Notes,
		}, nil
	})
}
