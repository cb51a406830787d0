package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities/coder"
)

// CoderUser is the result of LookupCoderUser.
type CoderUser struct {
	// Username is the Coder user, "" unless exactly one matched.
	Username string `json:"username"`
	// Matches is how many Coder users are linked to the GitHub id.
	Matches int `json:"matches"`
}

// LookupCoderUser finds the Coder user linked to a GitHub user id. Zero or
// several matches are a result, not an error: the workflow tells the person.
func (a *Activities) LookupCoderUser(ctx context.Context, githubUserID int64) (CoderUser, error) {
	owner, err := a.Coder.Chosen().LookupOwner(ctx, githubUserID)
	var nu *coder.NoUserError
	if errors.As(err, &nu) {
		return CoderUser{Matches: nu.Count}, nil
	}
	if err != nil {
		return CoderUser{}, classifyCoder(err)
	}
	return CoderUser{Username: owner, Matches: 1}, nil
}

// CreateTaskInput creates (or adopts) a task.
type CreateTaskInput struct {
	Spec coder.CreateSpec `json:"spec"`
}

// CreateTaskResult is the task (or chat) created or adopted.
type CreateTaskResult struct {
	Task    coder.Ref `json:"task"`
	Adopted bool      `json:"adopted"`
}

// CreateTask creates the agent run with the chosen backend, or adopts an
// existing one (same task name and owner; a live chat with the same
// labels), so a retried or replayed creation never makes a second one.
func (a *Activities) CreateTask(ctx context.Context, in CreateTaskInput) (CreateTaskResult, error) {
	kind := string(a.Coder.Chosen().Kind())
	ref, adopted, err := a.Coder.Chosen().CreateOrAdopt(ctx, in.Spec)
	if err != nil {
		err = classifyCoder(err)
		if !retryable(err) {
			a.Metrics.task("failed", kind)
		}
		return CreateTaskResult{}, err
	}
	if adopted {
		a.Metrics.task("adopted", kind)
	} else {
		a.Metrics.task("created", kind)
	}
	return CreateTaskResult{Task: ref, Adopted: adopted}, nil
}

// DeleteTask ends the run (deletes a task; interrupts, archives and cleans
// up a chat); a run already gone counts as ended.
func (a *Activities) DeleteTask(ctx context.Context, ref coder.Ref) error {
	b, err := a.backend(ref)
	if err != nil {
		return err
	}
	if err := b.Delete(ctx, ref); err != nil {
		return classifyCoder(err)
	}
	a.Metrics.task("deleted", string(ref.KindOrTask()))
	return nil
}

// CheckTask reports the run's phase and what people should know of it (an
// error, the pull request).
func (a *Activities) CheckTask(ctx context.Context, ref coder.Ref) (coder.Readiness, error) {
	b, err := a.backend(ref)
	if err != nil {
		return coder.Readiness{}, err
	}
	r, err := b.Check(ctx, ref)
	return r, classifyCoder(err)
}

// TaskCost reports what the run cost, when the deployment says.
func (a *Activities) TaskCost(ctx context.Context, ref coder.Ref) (coder.Cost, error) {
	b, err := a.backend(ref)
	if err != nil {
		return coder.Cost{}, err
	}
	c, err := b.Cost(ctx, ref)
	return c, classifyCoder(err)
}

// backend is the backend of ref's kind.
func (a *Activities) backend(ref coder.Ref) (coder.Backend, error) {
	b, err := a.Coder.For(ref)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeBadInput, nil)
	}
	return b, nil
}

// WaitForActive waits until the run's sandbox is up (a task active; a
// chat's workspace built). It returns false when the run errored for
// longer than the error grace, or did not come up within the ready timeout.
func (a *Activities) WaitForActive(ctx context.Context, ref coder.Ref) (bool, error) {
	b, err := a.backend(ref)
	if err != nil {
		return false, err
	}
	w := a.newWaiter(ctx)
	defer w.stop()
	for {
		r, err := b.Check(ctx, ref)
		if err != nil {
			return false, classifyCoder(err)
		}
		switch r.Phase {
		case coder.PhaseReady, coder.PhaseBusy, coder.PhaseNoState:
			return true, nil
		case coder.PhaseGone:
			return false, nil
		case coder.PhaseErrored:
			// A chat whose agent erred is up (its error is explained on
			// the issue and the next message retries); only a failed
			// workspace build means the sandbox never came.
			if b.QueuesInput() && r.Status == string(coder.ChatError) {
				return true, nil
			}
			if w.erroredTooLong() {
				return false, nil
			}
		default:
			w.resetError()
		}
		if w.timedOut() {
			return false, nil
		}
		if err := w.sleep(ctx); err != nil {
			return false, err
		}
	}
}

// DeliverInput sends one input to the run. A chat takes it at once (Coder
// queues it behind the agent's work). A task takes it as soon as it is
// ready: active and idle (or complete/failed), or active with no state for
// the null-state grace; a paused task is resumed once. 409/502 answers mean
// "not ready yet" and are waited out. It fails with ErrTypeTaskNotReady
// after the ready timeout, or when the task is gone or errored too long.
func (a *Activities) DeliverInput(ctx context.Context, in DeliverInputArgs) error {
	b, err := a.backend(in.Task)
	if err != nil {
		return err
	}
	w := a.newWaiter(ctx)
	defer w.stop()
	if w.progress.Sent {
		// An earlier attempt's send landed and was recorded; sending again
		// would deliver the comment twice.
		return nil
	}
	send := func() error {
		err := b.Send(ctx, in.Task, in.Input)
		if err == nil {
			w.markSent()
			a.Metrics.sent(string(in.Task.KindOrTask()), time.Since(w.start))
		}
		return err
	}
	if b.QueuesInput() {
		err := send()
		if !errors.Is(err, coder.ErrNotReady) {
			return classifyCoder(err)
		}
	}
	resumed := false
	var nullSince time.Time
	for {
		r, err := b.Check(ctx, in.Task)
		if err != nil {
			return classifyCoder(err)
		}
		ready := false
		switch r.Phase {
		case coder.PhaseReady:
			ready = true
		case coder.PhaseNoState:
			if nullSince.IsZero() {
				nullSince = time.Now()
			}
			ready = time.Since(nullSince) >= a.Timing.NullStateGrace
		case coder.PhasePaused:
			if !resumed {
				if err := b.Resume(ctx, in.Task); err != nil {
					return classifyCoder(err)
				}
				resumed = true
			}
		case coder.PhaseGone:
			return notReady("the task no longer exists")
		case coder.PhaseErrored:
			if w.erroredTooLong() {
				return notReady("the task has been in an error state for too long")
			}
		}
		if r.Phase != coder.PhaseErrored {
			w.resetError()
		}
		if r.Phase != coder.PhaseNoState {
			nullSince = time.Time{}
		}
		if ready {
			err := send()
			if err == nil {
				return nil
			}
			if !errors.Is(err, coder.ErrNotReady) {
				return classifyCoder(err)
			}
		}
		if w.timedOut() {
			return notReady(fmt.Sprintf("the task was not ready within %s", a.Timing.ReadyTimeout))
		}
		if err := w.sleep(ctx); err != nil {
			return err
		}
	}
}

// DeliverInputArgs is the input of DeliverInput.
type DeliverInputArgs struct {
	Task  coder.Ref `json:"task"`
	Input string    `json:"input"`
}

func notReady(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrTypeTaskNotReady, nil)
}
