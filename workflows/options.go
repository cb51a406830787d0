package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	ghapi "github.com/code-factory/code-factory/activities/github"
)

// a is the activity receiver; workflows name activities by method value.
var a *activities.Activities

// nonRetryable are the activity error types never worth retrying.
func nonRetryable() []string {
	return []string{activities.ErrTypeTaskNotReady, activities.ErrTypeCoderClient, activities.ErrTypeBadInput, ghapi.ErrTypeClient}
}

// settingsKey holds a workflow's Settings in its context.
type settingsKey struct{}

// withSettings makes the deployment settings available to the option
// helpers below.
func withSettings(ctx workflow.Context, s Settings) workflow.Context {
	return workflow.WithValue(ctx, settingsKey{}, s)
}

// callTimeout is one short call's attempt timeout: Settings.CallTimeout, or
// a minute (the HTTP clients give up after 30 s).
func callTimeout(ctx workflow.Context) time.Duration {
	if s, ok := ctx.Value(settingsKey{}).(Settings); ok && s.CallTimeout > 0 {
		return s.CallTimeout
	}
	return time.Minute
}

// githubCtx: short GitHub calls, retried with backoff for up to six hours.
func githubCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    callTimeout(ctx),
		ScheduleToCloseTimeout: callWindow,
		RetryPolicy:            callRetry(),
	})
}

// callWindow and callRetry: a short call is retried with backoff (1 s,
// doubling, at most 5 min apart) for up to six hours.
const callWindow = 6 * time.Hour

func callRetry() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		NonRetryableErrorTypes: nonRetryable(),
	}
}

// bestEffortWindow and bestEffortRetry: at most three attempts within a
// few minutes.
const bestEffortWindow = 5 * time.Minute

func bestEffortRetry() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumAttempts: 3,
		NonRetryableErrorTypes: nonRetryable(),
	}
}

// coderCtx: short Coder calls, retried like GitHub calls.
func coderCtx(ctx workflow.Context) workflow.Context { return githubCtx(ctx) }

// bestEffortCtx: a short call whose failure is reported, not waited out
// (at most three attempts within a few minutes).
func bestEffortCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    callTimeout(ctx),
		ScheduleToCloseTimeout: bestEffortWindow,
		RetryPolicy:            bestEffortRetry(),
	})
}

// waitCtx: activities that poll a task until it is ready. They heartbeat
// from a goroutine, also during calls, and end themselves at the worker's
// ready timeout. The 10 s heartbeat timeout bounds how long a lost worker's
// wait stays orphaned, and how soon a cancellation (an end, a rename, a
// rollover) reaches the wait: the SDK sends heartbeats every 0.8 × timeout.
func waitCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Hour,
		HeartbeatTimeout:       10 * time.Second,
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: nonRetryable(),
		},
	})
}

// jobWaitCtx: waiting for a job's task to finish its work (up to
// activities.JobTimeout), heartbeating every poll.
func jobWaitCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: activities.JobTimeout + 10*time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        5,
			NonRetryableErrorTypes: nonRetryable(),
		},
	})
}
