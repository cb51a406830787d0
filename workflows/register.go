package workflows

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// Register registers every workflow under its stable name, and the
// activities once.
func Register(r worker.Registry, acts *activities.Activities) {
	RegisterWorkflows(r)
	r.RegisterActivityWithOptions(acts, activity.RegisterOptions{})
}

// RegisterWorkflows registers every workflow under its stable name (also
// used by the replay tests).
func RegisterWorkflows(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(IssueWorkflow, workflow.RegisterOptions{Name: IssueWorkflowName})
	r.RegisterWorkflowWithOptions(RelayWorkflow, workflow.RegisterOptions{Name: RelayWorkflowName})
	r.RegisterWorkflowWithOptions(PRRelayWorkflow, workflow.RegisterOptions{Name: PRRelayWorkflowName})
	r.RegisterWorkflowWithOptions(ConfigWorkflow, workflow.RegisterOptions{Name: ConfigWorkflowName})
	r.RegisterWorkflowWithOptions(ScheduledJobWorkflow, workflow.RegisterOptions{Name: ScheduledJobWorkflowName})
	r.RegisterWorkflowWithOptions(FailedRunWorkflow, workflow.RegisterOptions{Name: FailedRunWorkflowName})
	r.RegisterWorkflowWithOptions(SweepWorkflow, workflow.RegisterOptions{Name: SweepWorkflowName})
	r.RegisterWorkflowWithOptions(RedeliveryWorkflow, workflow.RegisterOptions{Name: RedeliveryWorkflowName})
	r.RegisterWorkflowWithOptions(SlotsWorkflow, workflow.RegisterOptions{Name: SlotsWorkflowName})
}
