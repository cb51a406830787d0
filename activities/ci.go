package activities

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/code-factory/code-factory/activities/coder"
	ghapi "github.com/code-factory/code-factory/activities/github"
)

// Bounds of a relayed CI failure, as coder-action.
const (
	// MaxFailedJobs is how many failed jobs are relayed.
	MaxFailedJobs = 5
	// LogTailLines is how many trailing log lines of each job are relayed.
	LogTailLines = 100
)

// CIRun is a failed workflow run (workflows call it CIFailure).
type CIRun struct {
	// RunID, WorkflowName, WorkflowPath ("…/ci.yml"), RunURL, HeadSHA and
	// HeadBranch come from the workflow_run payload; PRNumber and PRURL
	// from the run's pull request; Actor triggered the run.
	RunID        int64  `json:"run_id"`
	WorkflowName string `json:"workflow_name"`
	WorkflowPath string `json:"workflow_path"`
	RunURL       string `json:"run_url"`
	HeadSHA      string `json:"head_sha"`
	HeadBranch   string `json:"head_branch"`
	PRNumber     int    `json:"pr_number"`
	PRURL        string `json:"pr_url"`
	Actor        User   `json:"actor"`
	// FromFork is set when the run's head commit is in another repository
	// (a fork's pull request, whatever its branch is called). Hooks never
	// start a task on a fork's code.
	FromFork bool `json:"from_fork,omitempty"`
}

// CIRelayInput relays one failed run to a task.
type CIRelayInput struct {
	InstallationID int64     `json:"installation_id"`
	Repo           Repo      `json:"repo"`
	Run            CIRun     `json:"run"`
	Task           coder.Ref `json:"task"`
}

// FailedJob is one failed job and the tail of its log.
type FailedJob struct {
	Name string
	Log  string
}

// RelayCIFailure collects the run's failed jobs and their log tails and
// sends them to the task once it is ready. The logs are fetched and sent
// inside this one activity so they never enter workflow history.
func (a *Activities) RelayCIFailure(ctx context.Context, in CIRelayInput) error {
	jobs, err := a.failedJobs(ctx, in.InstallationID, in.Repo, in.Run.RunID)
	if err != nil {
		return err
	}
	if err := a.DeliverInput(ctx, DeliverInputArgs{Task: in.Task, Input: FormatCIFailure(in.Run, jobs)}); err != nil {
		return err
	}
	a.Metrics.ciRelay()
	return nil
}

// failedJobs lists the run's jobs that failed (at most MaxFailedJobs) with
// the last LogTailLines lines of each log.
func (a *Activities) failedJobs(ctx context.Context, installationID int64, repo Repo, runID int64) ([]FailedJob, error) {
	c, err := a.installation(installationID)
	if err != nil {
		return nil, err
	}
	jobs, err := c.ListRunJobs(ctx, repo.Owner, repo.Name, runID)
	if err != nil {
		return nil, ghapi.Classify(err)
	}
	var out []FailedJob
	for _, j := range jobs {
		if j.Conclusion != "failure" {
			continue
		}
		if len(out) == MaxFailedJobs {
			break
		}
		tail, err := c.JobLogTail(ctx, repo.Owner, repo.Name, j.ID, LogTailLines)
		if err != nil {
			return nil, ghapi.Classify(fmt.Errorf("log of job %d: %w", j.ID, err))
		}
		out = append(out, FailedJob{Name: j.Name, Log: tail})
	}
	return out, nil
}

// FormatCIFailure renders a failed run in coder-action's format.
func FormatCIFailure(run CIRun, jobs []FailedJob) string {
	names := make([]string, len(jobs))
	sections := make([]string, len(jobs))
	for i, j := range jobs {
		names[i] = j.Name
		sections[i] = "## " + j.Name + "\n" + j.Log
	}
	file := path.Base(run.WorkflowPath)
	where := "PR: " + run.PRURL
	if run.PRURL == "" {
		where = "branch: " + run.HeadBranch
	}
	return fmt.Sprintf(`CI Check Failed on %s
Workflow: %s
Run: %s
Failed Jobs: %s

Review the failing checks below. Fix the issues, ensure all checks pass locally, then commit and push.

If you cannot determine the root cause from the logs, check out the workflow definition at .github/workflows/%s for context.
---

%s`, where, run.WorkflowName, run.RunURL, strings.Join(names, ", "), file, strings.Join(sections, "\n\n"))
}
