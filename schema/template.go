package schema

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
)

// TemplateInputs is the JSON input of the Coder template that runs a task.
type TemplateInputs struct {
	// RepoURL is https://github.com/<owner>/<repo>.
	RepoURL string `json:"repo_url"`
	// BaseBranch is the branch to start from; empty means the default branch.
	BaseBranch string `json:"base_branch,omitempty"`
	// RepoName is the repository name without its owner.
	RepoName string `json:"repo_name"`
	// AIPrompt is the prompt given to the agent.
	AIPrompt string `json:"ai_prompt"`
	// AIProvider is the harness.
	AIProvider Provider `json:"ai_provider"`
	// ExtraVolumes are the sandbox volumes, omitted when there are none.
	ExtraVolumes []Volume `json:"extra_volumes,omitempty"`
	// Size is the sandbox size.
	Size SandboxSize `json:"size"`
	// Docker enables docker-in-docker.
	Docker bool `json:"docker"`
}

// Parameter is a template input as a rich parameter value.
type Parameter struct {
	Name  string
	Value string
}

// Parameters are the inputs as rich parameters (name = JSON key), for a
// workspace built before a chat (Chats take no template inputs): every
// input but the prompt, which is the chat's first message. Booleans are
// "true"/"false", volumes a JSON array, and unset optional inputs are left
// out.
func (in TemplateInputs) Parameters() []Parameter {
	ps := []Parameter{{"repo_url", in.RepoURL}}
	if in.BaseBranch != "" {
		ps = append(ps, Parameter{"base_branch", in.BaseBranch})
	}
	ps = append(ps, Parameter{"repo_name", in.RepoName}, Parameter{"ai_provider", string(in.AIProvider)})
	if len(in.ExtraVolumes) > 0 {
		b, err := json.Marshal(in.ExtraVolumes)
		if err == nil {
			ps = append(ps, Parameter{"extra_volumes", string(b)})
		}
	}
	return append(ps, Parameter{"size", string(in.Size)}, Parameter{"docker", strconv.FormatBool(in.Docker)})
}

// IssueTemplateInputs builds the inputs of a task that resolves an issue.
// A nil cfg means the defaults.
// repoURL is the repository's web page as GitHub gave it.
func IssueTemplateInputs(cfg *Config, repoURL, owner, repo, issueURL string, issueNumber int, requester string) TemplateInputs {
	in := baseInputs(cfg, repoURL, repo)
	in.AIPrompt = fmt.Sprintf("ISSUE_URL: %s\nREPO_OWNER: %s\nREPO_NAME: %s\nISSUE_NUMBER: %d\nREQUESTER: %s\n\n"+
		"Use the /code-factory-issue skill to resolve the issue\n",
		issueURL, owner, repo, issueNumber, requester)
	return in
}

// PRTemplateInputs builds the inputs of a pull request's own task (a
// mention on it, or an automatic review): its header lines, then what was
// asked (the rendered comment, or the review prompt). A nil cfg means the
// defaults.
func PRTemplateInputs(cfg *Config, repoURL, owner, repo, prURL string, number int, requester, request string) TemplateInputs {
	in := baseInputs(cfg, repoURL, repo)
	in.AIPrompt = fmt.Sprintf("PR_URL: %s\nREPO_OWNER: %s\nREPO_NAME: %s\nPR_NUMBER: %d\nREQUESTER: %s\n\n"+
		"Work on this pull request as asked below. Push commits to its branch only when asked to change it; otherwise answer on the pull request.\n\n%s\n",
		prURL, owner, repo, number, requester, request)
	return in
}

// JobTemplateInputs builds the inputs of a scheduled job's task: the job's
// prompt, on the job's branch. A nil cfg means the defaults.
func JobTemplateInputs(cfg *Config, repoURL, repo string, job ScheduledJob) TemplateInputs {
	in := baseInputs(cfg, repoURL, repo)
	in.AIPrompt = job.Prompt
	in.BaseBranch = job.Branch
	return in
}

// baseInputs takes the repository's web page from the caller: on GitHub
// Enterprise it is not under https://github.com/.
func baseInputs(cfg *Config, repoURL, repo string) TemplateInputs {
	if cfg == nil {
		cfg = Default()
	}
	in := TemplateInputs{
		RepoURL:    repoURL,
		RepoName:   repo,
		AIProvider: cfg.Harness.Provider,
		Size:       cfg.Sandbox.Size,
		Docker:     cfg.Sandbox.Docker,
	}
	if in.AIProvider == "" {
		in.AIProvider = ProviderClaudeCode
	}
	if in.Size == "" {
		in.Size = SizeMedium
	}
	if len(cfg.Sandbox.Volumes) > 0 {
		in.ExtraVolumes = slices.Clone(cfg.Sandbox.Volumes)
	}
	return in
}

// MatchFailedRun returns the first failed-run hook that covers a failed
// workflow run: one of its workflows equals the run's workflow file base
// name (".github/workflows/ci.yml" matches "ci.yml") or the workflow's
// name, and one of its branches equals branch exactly. The hook returned is
// a copy.
func (c *Config) MatchFailedRun(workflowFile, workflowName, branch string) (*FailedRunHook, bool) {
	if c == nil || branch == "" {
		return nil, false
	}
	file := ""
	if workflowFile != "" {
		file = path.Base(workflowFile)
	}
	for _, h := range c.OnEvent.FailedRun {
		if !slices.Contains(h.Branches, branch) {
			continue
		}
		for _, w := range h.Workflows {
			if w == "" {
				continue
			}
			if (file != "" && (w == file || path.Base(w) == file)) || (workflowName != "" && w == workflowName) {
				hook := h
				hook.Workflows = slices.Clone(h.Workflows)
				hook.Branches = slices.Clone(h.Branches)
				return &hook, true
			}
		}
	}
	return nil, false
}
