package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// installationMemoKey is the memo key holding the installation id of a
// workflow or schedule, so everything of an installation is found after
// an uninstall, when GitHub no longer lists its repositories.
const installationMemoKey = "installation"

// WorkflowLister lists workflow executions (the Temporal client does).
type WorkflowLister interface {
	ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
}

// Scope names what a sweep covers: the given repositories ("owner/name"),
// or, when Repos is empty, everything of the installation.
type Scope struct {
	InstallationID int64    `json:"installation_id"`
	Repos          []string `json:"repos,omitempty"`
}

// covers reports whether a workflow or schedule whose memo names repo and
// installation is in the scope.
func (s Scope) covers(repo string, installation int64) bool {
	if len(s.Repos) == 0 {
		return installation != 0 && installation == s.InstallationID
	}
	return slices.ContainsFunc(s.Repos, func(r string) bool { return strings.EqualFold(r, repo) })
}

// ListWorkflowsInput finds the running workflows of some types in a scope.
type ListWorkflowsInput struct {
	Scope Scope `json:"scope"`
	// Types are the workflow type names; IDPrefix starts every ID of this
	// deployment ("{prefix}-").
	Types    []string `json:"types"`
	IDPrefix string   `json:"id_prefix"`
}

// ListedWorkflow is one running workflow found by ListWorkflows.
type ListedWorkflow struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// ListWorkflows lists the running workflows of the given types whose memo
// puts them in the scope (repo, and installation for an installation-wide
// scope). Workflows started before the installation was recorded in their
// memo are found only by repository.
func (a *Activities) ListWorkflows(ctx context.Context, in ListWorkflowsInput) ([]ListedWorkflow, error) {
	if a.Workflows == nil {
		return nil, errors.New("no Temporal workflow lister configured")
	}
	types := make([]string, len(in.Types))
	for i, t := range in.Types {
		types[i] = fmt.Sprintf("WorkflowType = '%s'", strings.ReplaceAll(t, "'", ""))
	}
	query := "ExecutionStatus = 'Running' AND (" + strings.Join(types, " OR ") + ")"
	var out []ListedWorkflow
	var token []byte
	for {
		resp, err := a.Workflows.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if !strings.HasPrefix(id, in.IDPrefix) {
				continue
			}
			fields := e.GetMemo().GetFields()
			if in.Scope.covers(memoString(fields["repo"]), memoInt(fields[installationMemoKey])) {
				out = append(out, ListedWorkflow{ID: id, Type: e.GetType().GetName()})
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// DeleteSchedulesInput deletes the schedules of a scope.
type DeleteSchedulesInput struct {
	Scope Scope `json:"scope"`
	// IDPrefix starts the IDs of this deployment's schedules.
	IDPrefix string `json:"id_prefix"`
}

// DeleteSchedules deletes every schedule whose ID starts with IDPrefix and
// whose memo puts it in the scope; it returns the deleted IDs.
func (a *Activities) DeleteSchedules(ctx context.Context, in DeleteSchedulesInput) ([]string, error) {
	if a.Schedules == nil {
		return nil, errors.New("no Temporal schedule client configured")
	}
	it, err := a.Schedules.List(ctx, client.ScheduleListOptions{PageSize: 1000})
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	var ids []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		fields := e.Memo.GetFields()
		if strings.HasPrefix(e.ID, in.IDPrefix) && in.Scope.covers(memoString(fields[repoMemoKey]), memoInt(fields[installationMemoKey])) {
			ids = append(ids, e.ID)
		}
	}
	var deleted []string
	for _, id := range ids {
		err := a.Schedules.GetHandle(ctx, id).Delete(ctx)
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			return deleted, fmt.Errorf("delete schedule %s: %w", id, err)
		}
		deleted = append(deleted, id)
	}
	return deleted, nil
}

// memoInt decodes a numeric memo value read back from the server.
func memoInt(p *commonpb.Payload) int64 {
	if p == nil {
		return 0
	}
	var n int64
	if err := converter.GetDefaultDataConverter().FromPayload(p, &n); err != nil {
		return 0
	}
	return n
}
