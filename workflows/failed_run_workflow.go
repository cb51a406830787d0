package workflows

import (
	"path"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	ghapi "github.com/code-factory/code-factory/activities/github"
)

// ErrTypeTaskNotFinished is the failure type of a failed-run hook whose
// task did not finish its work (it errored, vanished or timed out).
const ErrTypeTaskNotFinished = "TaskNotFinished"

// FailedRunInput starts a failed-run hook's task.
type FailedRunInput struct {
	Settings        Settings  `json:"settings"`
	InstallationID  int64     `json:"installation_id"`
	Repo            Repo      `json:"repo"`
	Run             CIFailure `json:"run"`
	PromptAdditions string    `json:"prompt_additions,omitempty"`
}

// FailedRunWorkflow runs a task that fixes a failed workflow run matched by
// an [[on_event.failed_run]] hook: as the run's triggering actor (who must
// have write access and a Coder user), with the failure summary and the
// hook's prompt additions. It marks the head commit with a
// code-factory/failed-run status linking the task, waits for the agent to
// finish, updates the status and deletes the task. Its ID (one per workflow,
// head commit and branch) deduplicates it.
func FailedRunWorkflow(ctx workflow.Context, in FailedRunInput) error {
	ctx = withSettings(ctx, in.Settings)
	run, repo := in.Run, in.Repo
	owner, err := coderUserOf(ctx, in.InstallationID, repo, run.Actor, "who triggered the run")
	if err != nil {
		return err
	}
	var created activities.CreateTaskResult
	task := activities.FailedRunTaskInput{InstallationID: in.InstallationID, Repo: repo, Run: run, PromptAdditions: in.PromptAdditions, Name: fixTaskName(in.Settings.TaskNamePrefix, workflow.GetInfo(ctx).WorkflowExecution.ID), Owner: owner}
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.CreateFailedRunTask, task).Get(ctx, &created); err != nil {
		return err
	}
	status := func(state, desc string) error {
		in := activities.CommitStatusInput{InstallationID: in.InstallationID, Repo: repo, SHA: run.HeadSHA, Status: ghapi.CommitStatus{State: state, Context: activities.FailedRunStatusContext, Description: desc, TargetURL: created.Task.URL}}
		return workflow.ExecuteActivity(githubCtx(ctx), a.SetCommitStatus, in).Get(ctx, nil)
	}
	if err := status("pending", "Task started to fix "+path.Base(run.WorkflowPath)); err != nil {
		return err
	}
	var out activities.WorkOutcome
	waitErr := workflow.ExecuteActivity(jobWaitCtx(ctx), a.WaitForWorkDone, created.Task).Get(ctx, &out)
	final, desc := "success", "Task finished"
	if waitErr != nil {
		out.Reason = "waiting for the task failed"
	}
	if waitErr != nil || !out.Done {
		final, desc = "error", "Task did not finish: "+out.Reason
	}
	if err := status(final, desc); err != nil {
		return err
	}
	// The task is deleted whatever happened, so no sandbox is left running.
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, created.Task).Get(ctx, nil); err != nil {
		return err
	}
	if waitErr != nil {
		return waitErr
	}
	if !out.Done {
		return temporal.NewNonRetryableApplicationError("failed-run task did not finish: "+out.Reason, ErrTypeTaskNotFinished, nil)
	}
	workflow.GetLogger(ctx).Info("failed-run task done", "task", created.Task.ID, "run", run.RunID)
	return nil
}

// fixTaskName names a hook run's task "{prefix}-fix-{hash of the workflow ID}".
func fixTaskName(prefix, workflowID string) string {
	return hashedTaskName(prefix, "fix", workflowID)
}
