package activities

import (
	"context"
	"encoding/json"

	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/schema"
)

// ConfigPath is where a repository keeps its code-factory settings.
const ConfigPath = ".code-factory/config.toml"

// PlanTaskInput asks how to create an issue's task.
type PlanTaskInput struct {
	Issue     IssueRef `json:"issue"`
	IssueURL  string   `json:"issue_url"`
	Requester string   `json:"requester"`
}

// TaskPlan is the template and input of a task. Problems is set (and the
// rest empty) when the repository's config file is invalid.
type TaskPlan struct {
	// TemplateName is "" for the default template.
	TemplateName string `json:"template_name,omitempty"`
	// Input is the task's input: the issue URL, or the JSON template inputs.
	Input string `json:"input"`
	// Problems are the config file's errors, one line each, without values.
	Problems []string `json:"problems,omitempty"`
}

// PlanTask reads .code-factory/config.toml from the default branch. Without
// it, the task gets the default template and the issue URL. With it, the
// code-factory template and the JSON template inputs. An invalid file is
// reported, never silently ignored.
func (a *Activities) PlanTask(ctx context.Context, in PlanTaskInput) (TaskPlan, error) {
	c, err := a.installation(in.Issue.InstallationID)
	if err != nil {
		return TaskPlan{}, err
	}
	data, found, err := c.GetFile(ctx, in.Issue.Repo.Owner, in.Issue.Repo.Name, ConfigPath, "")
	if err != nil {
		return TaskPlan{}, ghapi.Classify(err)
	}
	if !found {
		return TaskPlan{Input: in.IssueURL}, nil
	}
	cfg, res := schema.Parse(data)
	if !res.OK() {
		return TaskPlan{Problems: problemLines(res.Errors)}, nil
	}
	inputs := schema.IssueTemplateInputs(cfg, in.Issue.Repo.Owner, in.Issue.Repo.Name, in.IssueURL, in.Issue.Number, in.Requester)
	b, err := json.Marshal(inputs)
	if err != nil {
		return TaskPlan{}, err
	}
	return TaskPlan{TemplateName: a.ConfigTemplateName, Input: string(b)}, nil
}

func problemLines(ps []schema.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
