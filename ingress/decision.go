// Package ingress receives GitHub webhook deliveries, verifies them,
// classifies each into a Decision with pure functions, and hands dispatched
// decisions to Temporal through a Dispatcher.
package ingress

import "github.com/code-factory/code-factory/workflows"

// ConfigPath is the repository file whose changes on the default branch start
// the per-repository config workflow.
const ConfigPath = ".code-factory/config.toml"

// ClassifyOptions are the deployment facts classification depends on.
type ClassifyOptions struct {
	// Settings hold the task name prefix, the agent login and the bot login
	// ("" while it is not known yet). They are copied into every workflow input.
	Settings workflows.Settings
}

// Decision is what to do with one delivery: StartIssue, SignalIssue,
// StartPRRelay, StartRelay, StartConfig, StartSweep or Skip.
type Decision interface {
	// Outcome is "started", "signalled" or "skipped".
	Outcome() string
	isDecision()
}

// StartIssue signals the issue workflow, starting it if it is not running
// (SignalWithStart).
type StartIssue struct {
	WorkflowID string
	Input      workflows.IssueWorkflowInput
	Event      workflows.IssueEvent
}

// SignalIssue signals a running issue workflow; it never starts one.
type SignalIssue struct {
	WorkflowID string
	Event      workflows.IssueEvent
}

// StartPRRelay signals the relay workflow of a pull request with one of its
// comments or reviews, starting it if it is not running (SignalWithStart),
// so a pull request's comments reach the issue in delivery order.
type StartPRRelay struct {
	// WorkflowID is workflows.PRRelayWorkflowID(prefix, owner, repo, pr).
	WorkflowID string
	Input      workflows.PRRelayInput
	Event      workflows.IssueEvent
}

// StartRelay starts the relay workflow of one failed run.
type StartRelay struct {
	// WorkflowID is workflows.RelayWorkflowID(prefix, deliveryID).
	WorkflowID string
	Input      workflows.RelayInput
}

// StartConfig signals the per-repository config workflow, starting it if it
// is not running (SignalWithStart).
type StartConfig struct {
	// WorkflowID is workflows.ConfigWorkflowID(prefix, owner, repo).
	WorkflowID string
	Input      workflows.ConfigWorkflowInput
	Push       workflows.ConfigPush
}

// StartSweep starts the sweep of repositories that were renamed,
// transferred or deleted, or that the App can no longer reach.
type StartSweep struct {
	// WorkflowID is workflows.SweepWorkflowID(prefix, deliveryID).
	WorkflowID string
	Input      workflows.SweepInput
}

// Skip ignores the delivery; Reason says why.
type Skip struct {
	Reason string
}

// Outcome implements Decision.
func (StartIssue) Outcome() string { return "started" }

// Outcome implements Decision.
func (SignalIssue) Outcome() string { return "signalled" }

// Outcome implements Decision.
func (StartRelay) Outcome() string { return "started" }

// Outcome implements Decision.
func (StartPRRelay) Outcome() string { return "signalled" }

// Outcome implements Decision.
func (StartConfig) Outcome() string { return "started" }

// Outcome implements Decision.
func (StartSweep) Outcome() string { return "started" }

// Outcome implements Decision.
func (Skip) Outcome() string { return "skipped" }

func (StartIssue) isDecision()   {}
func (SignalIssue) isDecision()  {}
func (StartRelay) isDecision()   {}
func (StartPRRelay) isDecision() {}
func (StartConfig) isDecision()  {}
func (Skip) isDecision()         {}
func (StartSweep) isDecision()   {}

// workflowID returns the workflow a decision targets ("" for Skip).
func workflowID(d Decision) string {
	switch d := d.(type) {
	case StartIssue:
		return d.WorkflowID
	case SignalIssue:
		return d.WorkflowID
	case StartRelay:
		return d.WorkflowID
	case StartPRRelay:
		return d.WorkflowID
	case StartConfig:
		return d.WorkflowID
	case StartSweep:
		return d.WorkflowID
	}
	return ""
}
