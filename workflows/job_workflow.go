package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// ErrTypeJobRefused is the failure type of a job run that may not run.
const ErrTypeJobRefused = "JobRefused"

// ScheduledJobWorkflow is one firing of a repository's scheduled job: it
// creates a Coder task for the config's last pusher (who must still have
// write access and a Coder user) with the job's prompt and branch, waits
// until the agent has done its work, then deletes the task. A refused or
// failed run ends with an error saying why, visible in Temporal.
func ScheduledJobWorkflow(ctx workflow.Context, run activities.JobRun) error {
	logger := workflow.GetLogger(ctx)
	owner, err := coderUserOf(ctx, run.InstallationID, run.Repo, run.Owner, "who last changed the config")
	if err != nil {
		return err
	}
	var created activities.CreateTaskResult
	task := activities.JobTaskInput{Name: jobTaskName(run.TaskNamePrefix, workflow.GetInfo(ctx)), Owner: owner, Input: run.Input, Repo: run.Repo}
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.CreateJobTask, task).Get(ctx, &created); err != nil {
		return err
	}
	var out activities.WorkOutcome
	waitErr := workflow.ExecuteActivity(jobWaitCtx(ctx), a.WaitForWorkDone, created.Task).Get(ctx, &out)
	// The task is deleted whatever happened, so no sandbox is left running.
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, created.Task).Get(ctx, nil); err != nil {
		return err
	}
	if waitErr != nil {
		return waitErr
	}
	if !out.Done {
		return temporal.NewNonRetryableApplicationError("job task did not finish: "+out.Reason, "JobNotFinished", nil)
	}
	logger.Info("scheduled job done", "job", run.Job.Name, "task", created.Task.ID)
	return nil
}

// coderUserOf returns the Coder user a task started on behalf of who runs
// as. who must still have write access and exactly one linked Coder user;
// otherwise the run is refused (a non-retryable ErrTypeJobRefused error
// that says why, shown in Temporal). role describes who in that message.
func coderUserOf(ctx workflow.Context, installationID int64, repo activities.Repo, who activities.User, role string) (string, error) {
	var check activities.AuthorCheck
	in := activities.AuthorInput{InstallationID: installationID, Repo: repo, Login: who.Login}
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.CheckAuthor, in).Get(ctx, &check); err != nil {
		return "", err
	}
	if !mayWrite(check.Permission) {
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s, %s, has no write access", who.Login, role), ErrTypeJobRefused, nil)
	}
	var user activities.CoderUser
	if err := workflow.ExecuteActivity(coderCtx(ctx), a.LookupCoderUser, who.ID).Get(ctx, &user); err != nil {
		return "", err
	}
	if user.Matches != 1 {
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s has %d linked Coder users, not one", who.Login, user.Matches), ErrTypeJobRefused, nil)
	}
	return user.Username, nil
}

// jobTaskName names a firing's task "{prefix}-job-{hash of the run}".
func jobTaskName(prefix string, info *workflow.Info) string {
	return hashedTaskName(prefix, "job", info.WorkflowExecution.ID+"/"+info.WorkflowExecution.RunID)
}
