package workflows

import (
	"path"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// RelayWorkflow routes one pull-request-scoped delivery to the workflow of
// the issue the pull request closes. Tasks are keyed on the issue, never on
// the pull request number. When there is no linked issue, or no workflow for
// it, the relay ends quietly and logs why.
func RelayWorkflow(ctx workflow.Context, in RelayInput) error {
	ctx = withSettings(ctx, in.Settings)
	r := &relay{in: in, ev: in.Event}
	r.setup(ctx)
	return r.run(ctx)
}

type relay struct {
	in     RelayInput
	ev     IssueEvent
	logger log.Logger
}

func (r *relay) setup(ctx workflow.Context) {
	r.logger = log.With(workflow.GetLogger(ctx), "repo", r.ev.Repo.FullName(), "delivery", r.ev.DeliveryID, "kind", r.ev.Kind)
}

func (r *relay) run(ctx workflow.Context) error {
	pr, ok, err := r.pullRequest(ctx)
	if err != nil || !ok {
		return err
	}
	var issue int
	in := activities.LinkedIssueInput{InstallationID: r.ev.InstallationID, Repo: r.ev.Repo, PRNumber: pr}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.LinkedIssue, in).Get(ctx, &issue); err != nil {
		return err
	}
	if issue == 0 {
		r.logger.Info("pull request closes no issue; nothing to relay", "pr", pr)
		return nil
	}
	r.ev.IssueNumber = issue
	id := IssueWorkflowID(r.in.Settings.TaskNamePrefix, r.ev.Repo.Owner, r.ev.Repo.Name, issue)
	if err := workflow.SignalExternalWorkflow(ctx, id, "", IssueEventSignal, r.ev).Get(ctx, nil); err != nil {
		r.logger.Info("no running workflow for the linked issue; nothing to relay", "workflow_id", id, "error", err)
		return nil
	}
	r.logger.Info("relayed", "workflow_id", id, "pr", pr)
	return nil
}

// pullRequest returns the pull request the event is about. For a failed run
// it checks that the pull request is the agent's and the run is on its
// current head; ok is false when the run must not be relayed.
func (r *relay) pullRequest(ctx workflow.Context) (int, bool, error) {
	if r.ev.Kind != KindCIFailure {
		if r.ev.Comment == nil || r.ev.Comment.PRNumber == 0 {
			r.logger.Warn("relay event without a pull request")
			return 0, false, nil
		}
		return r.ev.Comment.PRNumber, true, nil
	}
	f := r.ev.CIFailure
	var pr activities.RunPR
	in := activities.RunPRInput{InstallationID: r.ev.InstallationID, Repo: r.ev.Repo, PRNumber: f.PRNumber, HeadSHA: f.HeadSHA, AgentLogin: r.in.Settings.AgentLogin}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.FindRunPR, in).Get(ctx, &pr); err != nil {
		return 0, false, err
	}
	switch {
	case !pr.Found:
		r.logger.Info("failed run has no pull request", "run", f.RunID)
		return 0, false, r.failedRunHook(ctx)
	case !pr.ByAgent:
		r.logger.Info("failed run is not on the agent's pull request", "run", f.RunID, "pr", pr.Number)
		return 0, false, r.failedRunHook(ctx)
	case !pr.Current:
		r.logger.Info("failed run is on a stale head; not relayed", "run", f.RunID, "pr", pr.Number)
		return 0, false, nil
	}
	f.PRNumber, f.PRURL = pr.Number, pr.URL
	return pr.Number, true, nil
}

// failedRunHook starts a task for a failed run that is not on the agent's
// pull request when the repository's config has a matching
// [[on_event.failed_run]] hook. The task runs in its own workflow, one per
// workflow file, head commit and branch, which outlives the relay.
func (r *relay) failedRunHook(ctx workflow.Context) error {
	f := r.ev.CIFailure
	if f.FromFork {
		r.logger.Info("failed run is a fork's; hooks never run on a fork's code", "run", f.RunID, "branch", f.HeadBranch)
		return nil
	}
	var m activities.HookMatch
	in := activities.HookMatchInput{InstallationID: r.ev.InstallationID, Repo: r.ev.Repo, Run: *f}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.MatchFailedRunHook, in).Get(ctx, &m); err != nil {
		return err
	}
	if !m.Matched {
		r.logger.Info("no failed-run hook", "run", f.RunID, "reason", m.Reason)
		return nil
	}
	id := FailedRunWorkflowID(r.in.Settings.TaskNamePrefix, r.ev.Repo.Owner, r.ev.Repo.Name, f.HeadSHA, path.Base(f.WorkflowPath), f.HeadBranch)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            id,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	child := workflow.ExecuteChildWorkflow(cctx, FailedRunWorkflowName, FailedRunInput{
		Settings: r.in.Settings, InstallationID: r.ev.InstallationID, Repo: r.ev.Repo, Run: *f, PromptAdditions: m.PromptAdditions,
	})
	var started workflow.Execution
	err := child.GetChildWorkflowExecution().Get(ctx, &started)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		r.logger.Info("failed-run task already started for this commit", "workflow_id", id)
		return nil
	}
	if err != nil {
		return err
	}
	r.logger.Info("failed-run task started", "workflow_id", id, "run_id", started.RunID)
	return nil
}
