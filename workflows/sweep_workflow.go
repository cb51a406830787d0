package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// SweepWorkflowName is the registered name of the sweep workflow.
const SweepWorkflowName = "SweepWorkflow"

// SweepInput starts a sweep: what happened to which repositories.
type SweepInput struct {
	Settings       Settings `json:"settings"`
	DeliveryID     string   `json:"delivery_id"`
	InstallationID int64    `json:"installation_id"`
	// Reason is why the repositories' issues are gone; empty for a rename.
	Reason GoneReason `json:"reason,omitempty"`
	// Repos are the repositories swept (for a transfer, under their old
	// owner); none means every repository of the installation.
	Repos []Repo `json:"repos,omitempty"`
	// To is a transferred or renamed repository's new place.
	To *Repo `json:"to,omitempty"`
}

// SweepWorkflow deals with repositories code-factory no longer serves as
// they were: renamed, transferred, deleted, or no longer reachable by the
// App (uninstalled, suspended, removed from the installation). It finds
// their running issue and config workflows through their memo, tells each
// issue workflow (which ends its task, or moves to the new name), deletes
// the schedules, and ends the config workflows. A rename makes the
// schedules again under the new name.
func SweepWorkflow(ctx workflow.Context, in SweepInput) error {
	ctx = withSettings(ctx, in.Settings)
	s := &sweep{in: in}
	s.setup(ctx)
	return s.run(ctx)
}

type sweep struct {
	in     SweepInput
	logger log.Logger
	scope  activities.Scope
}

func (s *sweep) setup(ctx workflow.Context) {
	s.logger = log.With(workflow.GetLogger(ctx), "delivery", s.in.DeliveryID, "installation", s.in.InstallationID, "reason", s.in.Reason)
	s.scope = activities.Scope{InstallationID: s.in.InstallationID}
	for _, r := range s.in.Repos {
		s.scope.Repos = append(s.scope.Repos, r.FullName())
	}
}

func (s *sweep) run(ctx workflow.Context) error {
	prefix := s.in.Settings.TaskNamePrefix
	var found []activities.ListedWorkflow
	list := activities.ListWorkflowsInput{Scope: s.scope, Types: []string{IssueWorkflowName, ConfigWorkflowName}, IDPrefix: prefix + "-"}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.ListWorkflows, list).Get(ctx, &found); err != nil {
		return err
	}
	for _, f := range found {
		switch f.Type {
		case IssueWorkflowName:
			s.tellIssue(ctx, f.ID)
		case ConfigWorkflowName:
			if err := workflow.SignalExternalWorkflow(ctx, f.ID, "", ConfigGoneSignal, nil).Get(ctx, nil); err != nil {
				s.logger.Info("config workflow already gone", "workflow_id", f.ID, "error", err)
			}
		}
	}
	var deleted []string
	del := activities.DeleteSchedulesInput{Scope: s.scope, IDPrefix: prefix + "-schedule-"}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.DeleteSchedules, del).Get(ctx, &deleted); err != nil {
		return err
	}
	s.logger.Info("swept", "workflows", len(found), "schedules_deleted", len(deleted))
	if s.in.Reason == "" && s.in.To != nil {
		return s.resync(ctx)
	}
	return nil
}

// tellIssue signals one issue workflow what happened to its repository.
func (s *sweep) tellIssue(ctx workflow.Context, id string) {
	owner, repo, issue, err := ParseIssueWorkflowID(s.in.Settings.TaskNamePrefix, id)
	if err != nil {
		s.logger.Warn("not an issue workflow id", "workflow_id", id)
		return
	}
	ev := IssueEvent{DeliveryID: s.in.DeliveryID, InstallationID: s.in.InstallationID, Repo: Repo{Owner: owner, Name: repo}, IssueNumber: issue}
	switch {
	case s.in.Reason == "" && s.in.To != nil:
		ev.Kind, ev.Repo = KindRenamed, *s.in.To
		if err := s.startAhead(ctx, issue); err != nil {
			s.logger.Warn("the new name's workflow could not be started ahead; the old run starts it", "workflow_id", id, "error", err)
		}
	default:
		ev.Kind, ev.Gone = KindGone, &Gone{Reason: s.in.Reason}
		if s.in.Reason == GoneRepoTransferred && s.in.To != nil {
			ev.Gone.To = &IssueLocation{Repo: *s.in.To, Number: issue}
		}
	}
	if err := workflow.SignalExternalWorkflow(ctx, id, "", IssueEventSignal, ev).Get(ctx, nil); err != nil {
		s.logger.Info("issue workflow already gone", "workflow_id", id, "error", err)
	}
}

// startAhead starts the issue's workflow under the new name before the old
// run is told, so deliveries addressed to the new name are buffered there
// until the old run hands its state over. One already running (the agent
// was assigned under the new name) is left as it is.
func (s *sweep) startAhead(ctx workflow.Context, issue int) error {
	to := *s.in.To
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            IssueWorkflowID(s.in.Settings.TaskNamePrefix, to.Owner, to.Name, issue),
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		Memo:                  IssueMemo(to, issue, s.in.InstallationID),
	})
	in := IssueWorkflowInput{Settings: s.in.Settings, Repo: to, IssueNumber: issue, InstallationID: s.in.InstallationID, Carry: &IssueCarry{AwaitHandover: true}}
	var started workflow.Execution
	err := workflow.ExecuteChildWorkflow(cctx, IssueWorkflowName, in).GetChildWorkflowExecution().Get(ctx, &started)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return nil
	}
	return err
}

// resync starts the config workflow of the new name with a push that reads
// the default branch as it is, so the schedules deleted under the old name
// are made again under the new one.
func (s *sweep) resync(ctx workflow.Context) error {
	to := *s.in.To
	push := ConfigPush{DeliveryID: s.in.DeliveryID, InstallationID: s.in.InstallationID, Repo: to, Resync: true}
	id := ConfigWorkflowID(s.in.Settings.TaskNamePrefix, to.Owner, to.Name)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            id,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		Memo:                  map[string]any{"repo": to.FullName(), "installation": s.in.InstallationID},
	})
	in := ConfigWorkflowInput{Settings: s.in.Settings, Repo: to, InstallationID: s.in.InstallationID, Carry: &ConfigCarry{Pending: []ConfigPush{push}}}
	var started workflow.Execution
	err := workflow.ExecuteChildWorkflow(cctx, ConfigWorkflowName, in).GetChildWorkflowExecution().Get(ctx, &started)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		// A push under the new name came first: hand it the resync.
		return workflow.SignalExternalWorkflow(ctx, id, "", ConfigPushSignal, push).Get(ctx, nil)
	}
	return err
}
