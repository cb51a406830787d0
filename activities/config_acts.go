package activities

import (
	"context"
	"encoding/json"

	"github.com/code-factory/code-factory/activities/coder"
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
	// Title is the issue's sanitised title (IssueCheck.Title).
	Title string `json:"title,omitempty"`
	// Request is the comment that asked for the task (a mention), as it
	// is forwarded, or a review's prompt; "" when the task was assigned or
	// labelled.
	Request string `json:"request,omitempty"`
	// PR is set for a pull request's own task: Issue.Number and IssueURL
	// are the pull request's.
	PR bool `json:"pr,omitempty"`
}

// TaskPlan is the template and input of an issue's run, for either backend.
// Problems is set (and the rest empty) when the repository's config file is
// invalid.
type TaskPlan struct {
	// TemplateName is "" for the default template.
	TemplateName string `json:"template_name,omitempty"`
	// Input is a task's input: the issue URL, or the JSON template inputs.
	Input string `json:"input"`
	// Prompt is a chat's first message (absent in histories from before
	// chats).
	Prompt string `json:"prompt,omitempty"`
	// Params are the template inputs as workspace parameters when the
	// repository has a config file (nil when it has none).
	Params []coder.Param `json:"params,omitempty"`
	// Problems are the config file's errors, one line each, without values.
	Problems []string `json:"problems,omitempty"`
	// RequestInInput is set when Input carries the request too (no config
	// file); a task with JSON template inputs gets it as its first input.
	RequestInInput bool `json:"request_in_input,omitempty"`
}

// PlanTask reads .code-factory/config.toml from the default branch. Without
// it, a task gets the default template and the issue URL, a chat the issue
// prompt and Coder Agents' own choice of template. With it, the
// code-factory template: a task gets the JSON template inputs, a chat a
// workspace with them as parameters. An invalid file is reported, never
// silently ignored.
func (a *Activities) PlanTask(ctx context.Context, in PlanTaskInput) (TaskPlan, error) {
	c, err := a.installation(in.Issue.InstallationID)
	if err != nil {
		return TaskPlan{}, err
	}
	rc, err := readConfig(ctx, c, in.Issue.Repo, "")
	prompt := IssuePrompt(in.Issue.Repo, in.IssueURL, in.Issue.Number, in.Requester, in.Title)
	if in.PR {
		prompt = PRPrompt(in.Issue.Repo, in.IssueURL, in.Issue.Number, in.Requester, in.Title)
	}
	input := in.IssueURL
	if in.Request != "" {
		prompt += "\n\n" + in.Request
		input += "\n\n" + in.Request
	}
	switch {
	case err != nil:
		return TaskPlan{}, err
	case !rc.Found:
		return TaskPlan{Input: input, Prompt: prompt, RequestInInput: in.Request != ""}, nil
	case rc.Config == nil:
		return TaskPlan{Problems: rc.Problems}, nil
	}
	inputs := schema.IssueTemplateInputs(rc.Config, in.Issue.Repo.URL(a.GitHubWebURL), in.Issue.Repo.Owner, in.Issue.Repo.Name, in.IssueURL, in.Issue.Number, in.Requester)
	if in.PR {
		// A pull request's task is asked in its prompt: there is no
		// issue skill to run first.
		inputs = schema.PRTemplateInputs(rc.Config, in.Issue.Repo.URL(a.GitHubWebURL), in.Issue.Repo.Owner, in.Issue.Repo.Name, in.IssueURL, in.Issue.Number, in.Requester, in.Request)
	}
	b, err := json.Marshal(inputs)
	if err != nil {
		return TaskPlan{}, err
	}
	return TaskPlan{TemplateName: a.ConfigTemplateName, Input: string(b), Prompt: prompt, Params: params(inputs.Parameters()), RequestInInput: in.PR}, nil
}

// repoConfig is a repository's config file at one commit.
type repoConfig struct {
	// Found is false when the file does not exist.
	Found bool
	// Config is the parsed file, nil when it is absent or invalid.
	Config *schema.Config
	// Problems are an invalid file's errors (key path and rule, never values).
	Problems []string
	// HTMLURL is the file's web page as GitHub sent it.
	HTMLURL string
}

// readConfig reads and parses .code-factory/config.toml at ref ("" is the
// default branch).
func readConfig(ctx context.Context, c *ghapi.Client, repo Repo, ref string) (repoConfig, error) {
	f, found, err := c.GetFile(ctx, repo.Owner, repo.Name, ConfigPath, ref)
	if err != nil {
		return repoConfig{}, ghapi.Classify(err)
	}
	if !found {
		return repoConfig{}, nil
	}
	cfg, res := schema.Parse(f.Content)
	if !res.OK() {
		return repoConfig{Found: true, Problems: problemLines(res.Errors), HTMLURL: f.HTMLURL}, nil
	}
	return repoConfig{Found: true, Config: cfg, HTMLURL: f.HTMLURL}, nil
}

func problemLines(ps []schema.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
