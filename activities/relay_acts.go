package activities

import (
	"context"
	"strings"

	ghapi "github.com/code-factory/code-factory/activities/github"
)

// LinkedIssueInput asks which issue a pull request closes.
type LinkedIssueInput struct {
	InstallationID int64 `json:"installation_id"`
	Repo           Repo  `json:"repo"`
	PRNumber       int   `json:"pr_number"`
}

// LinkedIssue returns the first issue of the pull request's own repository
// that it closes (closingIssuesReferences), or 0 when it closes none. A
// reference to another repository's issue ("Fixes other/repo#7") is never
// routed to this repository's issue 7.
func (a *Activities) LinkedIssue(ctx context.Context, in LinkedIssueInput) (int, error) {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return 0, err
	}
	issues, err := c.ClosingIssues(ctx, in.Repo.Owner, in.Repo.Name, in.PRNumber)
	if err != nil {
		return 0, ghapi.Classify(err)
	}
	for _, is := range issues {
		if strings.EqualFold(is.Repo, in.Repo.FullName()) {
			return is.Number, nil
		}
		a.logger(ctx).Info("pull request closes an issue of another repository; not routed",
			"repo", in.Repo.FullName(), "pr", in.PRNumber, "issue_repo", is.Repo, "issue", is.Number)
	}
	return 0, nil
}

// RunPRInput asks which agent pull request a failed run belongs to.
type RunPRInput struct {
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	PRNumber       int    `json:"pr_number"`
	HeadSHA        string `json:"head_sha"`
	AgentLogin     string `json:"agent_login"`
}

// RunPR is the pull request of a failed run.
type RunPR struct {
	// Found is false when no pull request matches the run.
	Found bool `json:"found"`
	// Number and URL of the pull request.
	Number int    `json:"number"`
	URL    string `json:"url"`
	// ByAgent is true when the agent opened it.
	ByAgent bool `json:"by_agent"`
	// Current is true when the run's head SHA is still the pull request's head.
	Current bool `json:"current"`
}

// FindRunPR finds the run's pull request: the one the payload named, else
// the open pull request whose head is the run's head SHA.
func (a *Activities) FindRunPR(ctx context.Context, in RunPRInput) (RunPR, error) {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return RunPR{}, err
	}
	var pr *ghapi.PullRequest
	if in.PRNumber > 0 {
		p, err := c.GetPullRequest(ctx, in.Repo.Owner, in.Repo.Name, in.PRNumber)
		if err != nil {
			return RunPR{}, ghapi.Classify(err)
		}
		pr = &p
	} else {
		pr, err = c.FindOpenPullRequestByHead(ctx, in.Repo.Owner, in.Repo.Name, in.HeadSHA)
		if err != nil {
			return RunPR{}, ghapi.Classify(err)
		}
	}
	if pr == nil {
		return RunPR{}, nil
	}
	return RunPR{
		Found:   true,
		Number:  pr.Number,
		URL:     pr.HTMLURL,
		ByAgent: strings.EqualFold(pr.Author, in.AgentLogin),
		Current: pr.HeadSHA == in.HeadSHA,
	}, nil
}
