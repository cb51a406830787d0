package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// RedeliveryWorkflowName is the registered name of the redelivery
// reconciler, run by the "{prefix}-redelivery" schedule.
const RedeliveryWorkflowName = "RedeliveryWorkflow"

// RedeliveryInput runs the reconciler once. Since zero means "from where
// the previous run started" (at most activities.MaxRedeliveryAge back).
type RedeliveryInput struct {
	Since  time.Time `json:"since,omitempty"`
	DryRun bool      `json:"dry_run,omitempty"`
	// MaxRedeliveries bounds the asks per delivery (0: the default, 3).
	MaxRedeliveries int `json:"max_redeliveries,omitempty"`
}

// RedeliveryResult says what one run found and asked for.
type RedeliveryResult struct {
	Since     time.Time                `json:"since"`
	Scanned   int                      `json:"scanned"`
	Found     []activities.Undelivered `json:"found,omitempty"`
	Requested int                      `json:"requested"`
	GivenUp   []string                 `json:"given_up,omitempty"`
}

// redeliveryOverlap reads a little before the previous run started, so a
// delivery logged while it ran is not missed.
const redeliveryOverlap = time.Minute

// RedeliveryWorkflow finds the webhook deliveries that never reached
// code-factory (GitHub does not retry a failed delivery by itself) and asks
// GitHub to deliver them again, oldest first.
func RedeliveryWorkflow(ctx workflow.Context, in RedeliveryInput) (RedeliveryResult, error) {
	now := workflow.Now(ctx)
	since := in.Since
	if since.IsZero() {
		var last time.Time
		if err := workflow.ExecuteActivity(githubCtx(ctx), a.LastRedeliveryRun, RedeliveryWorkflowName).Get(ctx, &last); err != nil {
			return RedeliveryResult{}, err
		}
		since = last.Add(-redeliveryOverlap)
	}
	if oldest := now.Add(-activities.MaxRedeliveryAge); since.Before(oldest) {
		since = oldest
	}
	var found activities.UndeliveredResult
	find := activities.FindUndeliveredInput{Since: since, MaxRedeliveries: in.MaxRedeliveries}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.FindUndelivered, find).Get(ctx, &found); err != nil {
		return RedeliveryResult{}, err
	}
	res := RedeliveryResult{Since: since, Scanned: found.Scanned, Found: found.Undelivered, GivenUp: found.GivenUp}
	if in.DryRun || len(found.Undelivered) == 0 {
		return res, nil
	}
	ids := make([]int64, len(found.Undelivered))
	for i, u := range found.Undelivered {
		ids[i] = u.LatestID
	}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.Redeliver, ids).Get(ctx, &res.Requested); err != nil {
		return res, err
	}
	workflow.GetLogger(ctx).Info("redeliveries requested", "count", res.Requested, "since", since)
	return res, nil
}
