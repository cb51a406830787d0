package activities

import (
	"context"
	"time"

	"github.com/code-factory/code-factory/activities/coder"
)

// JobTimeout bounds how long a scheduled job's task may work.
const JobTimeout = 2 * time.Hour

// JobTaskInput creates the task of one scheduled job run.
type JobTaskInput struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
	// Input is the JSON template inputs.
	Input string `json:"input"`
}

// CreateJobTask creates (or adopts, on retry) a job's task from the
// code-factory template.
func (a *Activities) CreateJobTask(ctx context.Context, in JobTaskInput) (CreateTaskResult, error) {
	return a.CreateTask(ctx, CreateTaskInput{Spec: coder.CreateSpec{Name: in.Name, Owner: in.Owner, TemplateName: a.ConfigTemplateName, Input: in.Input}})
}

// WorkOutcome is how a job's task ended.
type WorkOutcome struct {
	// Done: the task became active, worked, and is idle or complete again.
	Done bool `json:"done"`
	// Reason says why not.
	Reason string `json:"reason,omitempty"`
	// State is the task's last agent state.
	State string `json:"state,omitempty"`
}

// WaitForWorkDone waits until the task has become active, worked (state
// "working" seen) and is ready again, bounded by JobTimeout.
func (a *Activities) WaitForWorkDone(ctx context.Context, ref coder.TaskRef) (WorkOutcome, error) {
	w := a.newWaiter(ctx)
	worked := false
	for {
		r, err := a.Coder.Check(ctx, ref)
		if err != nil {
			return WorkOutcome{}, classifyCoder(err)
		}
		switch r.Phase {
		case coder.PhaseBusy:
			worked = true
		case coder.PhaseReady:
			if worked {
				return WorkOutcome{Done: true, State: r.State}, nil
			}
		case coder.PhaseGone:
			return WorkOutcome{Reason: "the task was deleted", State: r.State}, nil
		case coder.PhaseErrored:
			if w.erroredTooLong() {
				return WorkOutcome{Reason: "the task is in an error state", State: r.State}, nil
			}
		}
		if r.Phase != coder.PhaseErrored {
			w.resetError()
		}
		if time.Since(w.start) >= JobTimeout {
			return WorkOutcome{Reason: "the task did not finish within " + JobTimeout.String(), State: r.State}, nil
		}
		if err := w.sleep(ctx); err != nil {
			return WorkOutcome{}, err
		}
	}
}
