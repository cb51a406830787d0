package activities

import (
	"context"
	"encoding/json"
	"fmt"

	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/schema"
)

// ConfigStatusContext is the commit-status context of config feedback.
const ConfigStatusContext = "code-factory/config"

// ConfigPushInput is one push to the default branch that may have changed
// the repository's config file.
type ConfigPushInput struct {
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	Before         string `json:"before"`
	After          string `json:"after"`
	// Truncated asks for a compare: the push's commit list was cut.
	Truncated bool `json:"truncated,omitempty"`
	// Resync reads the default branch as it is now (After is empty) and sets
	// no commit status: the repository was renamed, and its schedules are
	// made again under the new name.
	Resync bool `json:"resync,omitempty"`
}

// ConfigPushResult says what the push did to the config file.
type ConfigPushResult struct {
	// Skipped: the push did not touch the file after all (no status set).
	Skipped bool `json:"skipped,omitempty"`
	// Present: the file exists at the pushed commit.
	Present bool `json:"present"`
	// Problems are the file's errors (key path and rule, never values).
	Problems []string `json:"problems,omitempty"`
	// Jobs are the scheduled jobs of a valid file, with their task inputs.
	Jobs []PlannedJob `json:"jobs,omitempty"`
}

// PlannedJob is a scheduled job and the JSON template inputs of its task.
type PlannedJob struct {
	Job   schema.ScheduledJob `json:"job"`
	Input string              `json:"input"`
}

// CheckConfigPush validates .code-factory/config.toml at the pushed commit
// and sets the code-factory/config commit status on it, so a bad file shows
// in GitHub's UI right away.
func (a *Activities) CheckConfigPush(ctx context.Context, in ConfigPushInput) (ConfigPushResult, error) {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return ConfigPushResult{}, err
	}
	owner, repo := in.Repo.Owner, in.Repo.Name
	if in.Truncated {
		touched, _, err := c.CompareTouches(ctx, owner, repo, in.Before, in.After, ConfigPath)
		if err != nil {
			return ConfigPushResult{}, ghapi.Classify(err)
		}
		if !touched {
			return ConfigPushResult{Skipped: true}, nil
		}
	}
	ref := in.After
	if in.Resync {
		ref = ""
	}
	rc, err := readConfig(ctx, c, in.Repo, ref)
	if err != nil {
		return ConfigPushResult{}, err
	}
	res := ConfigPushResult{Present: rc.Found, Problems: rc.Problems}
	status := ghapi.CommitStatus{State: "success", Context: ConfigStatusContext, Description: "No " + ConfigPath + " (removed)"}
	if rc.Found {
		status.TargetURL = rc.HTMLURL
	}
	switch {
	case rc.Config != nil:
		status.Description = ConfigPath + " is valid"
		for _, j := range rc.Config.ScheduledJobs {
			b, err := json.Marshal(schema.JobTemplateInputs(rc.Config, in.Repo.URL(a.GitHubWebURL), repo, j))
			if err != nil {
				return ConfigPushResult{}, err
			}
			res.Jobs = append(res.Jobs, PlannedJob{Job: j, Input: string(b)})
		}
	case rc.Found:
		status.State = "failure"
		status.Description = rc.Problems[0]
		if n := len(rc.Problems) - 1; n > 0 {
			status.Description = fmt.Sprintf("%s (and %d more)", rc.Problems[0], n)
		}
	}
	if in.Resync {
		return res, nil
	}
	if err := c.CreateCommitStatus(ctx, owner, repo, in.After, status); err != nil {
		return ConfigPushResult{}, ghapi.Classify(err)
	}
	return res, nil
}
