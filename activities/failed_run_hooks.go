package activities

import (
	"context"
	"encoding/json"
	"path"

	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/schema"
)

// FailedRunStatusContext is the commit-status context of failed-run tasks.
const FailedRunStatusContext = "code-factory/failed-run"

// HookMatchInput asks whether a failed run matches an [[on_event.failed_run]] hook.
type HookMatchInput struct {
	InstallationID int64 `json:"installation_id"`
	Repo           Repo  `json:"repo"`
	Run            CIRun `json:"run"`
}

// HookMatch is the matched hook, if any.
type HookMatch struct {
	Matched         bool   `json:"matched"`
	PromptAdditions string `json:"prompt_additions,omitempty"`
	// Reason says why nothing matched.
	Reason string `json:"reason,omitempty"`
}

// MatchFailedRunHook reads the config from the default branch and matches
// the run's workflow (file name or name) and branch against its hooks.
func (a *Activities) MatchFailedRunHook(ctx context.Context, in HookMatchInput) (HookMatch, error) {
	cfg, reason, err := a.defaultBranchConfig(ctx, in.InstallationID, in.Repo)
	if err != nil || cfg == nil {
		return HookMatch{Reason: reason}, err
	}
	hook, ok := cfg.MatchFailedRun(path.Base(in.Run.WorkflowPath), in.Run.WorkflowName, in.Run.HeadBranch)
	if !ok {
		return HookMatch{Reason: "no failed_run hook matches the workflow and branch"}, nil
	}
	return HookMatch{Matched: true, PromptAdditions: hook.PromptAdditions}, nil
}

// defaultBranchConfig returns the parsed config of the default branch, or
// nil with the reason.
func (a *Activities) defaultBranchConfig(ctx context.Context, installationID int64, repo Repo) (*schema.Config, string, error) {
	c, err := a.installation(installationID)
	if err != nil {
		return nil, "", err
	}
	rc, err := readConfig(ctx, c, repo, "")
	switch {
	case err != nil:
		return nil, "", err
	case !rc.Found:
		return nil, "no " + ConfigPath, nil
	case rc.Config == nil:
		return nil, ConfigPath + " is invalid", nil
	}
	return rc.Config, "", nil
}

// FailedRunTaskInput creates the task that fixes a failed run.
type FailedRunTaskInput struct {
	InstallationID  int64  `json:"installation_id"`
	Repo            Repo   `json:"repo"`
	Run             CIRun  `json:"run"`
	PromptAdditions string `json:"prompt_additions,omitempty"`
	Name            string `json:"name"`
	Owner           string `json:"owner"`
}

// CreateFailedRunTask creates the task: its prompt is the failure summary
// (failed jobs and their log tails, as the PR relay sends them) plus the
// hook's prompt additions, on the run's branch. The logs are fetched here
// so they never enter workflow history.
func (a *Activities) CreateFailedRunTask(ctx context.Context, in FailedRunTaskInput) (CreateTaskResult, error) {
	cfg, _, err := a.defaultBranchConfig(ctx, in.InstallationID, in.Repo)
	if err != nil {
		return CreateTaskResult{}, err
	}
	jobs, err := a.failedJobs(ctx, in.InstallationID, in.Repo, in.Run.RunID)
	if err != nil {
		return CreateTaskResult{}, err
	}
	prompt := FormatCIFailure(in.Run, jobs)
	if in.PromptAdditions != "" {
		prompt += "\n\n" + in.PromptAdditions
	}
	inputs := schema.JobTemplateInputs(cfg, in.Repo.URL(a.GitHubWebURL), in.Repo.Name, schema.ScheduledJob{Branch: in.Run.HeadBranch, Prompt: prompt})
	b, err := json.Marshal(inputs)
	if err != nil {
		return CreateTaskResult{}, err
	}
	return a.CreateJobTask(ctx, JobTaskInput{Name: in.Name, Owner: in.Owner, Input: string(b), Repo: in.Repo})
}

// CommitStatusInput sets a commit status.
type CommitStatusInput struct {
	InstallationID int64              `json:"installation_id"`
	Repo           Repo               `json:"repo"`
	SHA            string             `json:"sha"`
	Status         ghapi.CommitStatus `json:"status"`
}

// SetCommitStatus sets a commit status.
func (a *Activities) SetCommitStatus(ctx context.Context, in CommitStatusInput) error {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return err
	}
	return ghapi.Classify(c.CreateCommitStatus(ctx, in.Repo.Owner, in.Repo.Name, in.SHA, in.Status))
}
