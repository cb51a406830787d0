package activities

import (
	"context"
	"encoding/json"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/schema"
)

// JobTimeout bounds how long a scheduled job's task may work.
const JobTimeout = 2 * time.Hour

// JobTaskInput creates the task of one scheduled job run.
type JobTaskInput struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
	// Input is the JSON template inputs.
	Input string `json:"input"`
	// Repo labels a chat (absent in histories from before chats).
	Repo Repo `json:"repo,omitempty"`
}

// CreateJobTask creates (or adopts, on retry) a job's task from the
// code-factory template: a task with the JSON template inputs, or a chat
// whose workspace gets them as parameters and whose first message is the
// inputs' prompt.
func (a *Activities) CreateJobTask(ctx context.Context, in JobTaskInput) (CreateTaskResult, error) {
	var inputs schema.TemplateInputs
	if err := json.Unmarshal([]byte(in.Input), &inputs); err != nil {
		return CreateTaskResult{}, temporal.NewNonRetryableApplicationError("job task input is not template inputs JSON: "+err.Error(), ErrTypeBadInput, nil)
	}
	spec := coder.CreateSpec{
		Name: in.Name, Owner: in.Owner, TemplateName: a.ConfigTemplateName, Input: in.Input,
		Prompt: inputs.AIPrompt, Params: params(inputs.Parameters()), Labels: coder.RunLabels(in.Repo.FullName(), in.Name),
	}
	return a.CreateTask(ctx, CreateTaskInput{Spec: spec})
}

// params converts template parameters to Coder's.
func params(ps []schema.Parameter) []coder.Param {
	out := make([]coder.Param, len(ps))
	for i, p := range ps {
		out[i] = coder.Param{Name: p.Name, Value: p.Value}
	}
	return out
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
func (a *Activities) WaitForWorkDone(ctx context.Context, ref coder.Ref) (WorkOutcome, error) {
	b, err := a.backend(ref)
	if err != nil {
		return WorkOutcome{}, err
	}
	w := a.newWaiter(ctx)
	defer w.stop()
	worked := false
	for {
		r, err := b.Check(ctx, ref)
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
