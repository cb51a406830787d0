package ingress

import (
	"log/slog"

	"github.com/google/go-github/v66/github"
)

// Summary is what the delivery log line says about a payload.
type Summary struct {
	Action         string
	InstallationID int64
	// Repo is "owner/name", "" when the payload names no repository.
	Repo string
	// Number is the issue or pull request number, 0 when there is none.
	Number int
}

// Summarize extracts the Summary of a parsed payload. It is pure.
func Summarize(payload any) Summary {
	s := Summary{Action: actionOf(payload)}
	if p, ok := payload.(interface{ GetInstallation() *github.Installation }); ok {
		s.InstallationID = p.GetInstallation().GetID()
	}
	switch p := payload.(type) {
	case interface{ GetRepo() *github.Repository }:
		s.Repo = p.GetRepo().GetFullName()
	case interface {
		GetRepo() *github.PushEventRepository
	}:
		s.Repo = p.GetRepo().GetFullName()
	}
	switch p := payload.(type) {
	case *github.IssuesEvent:
		s.Number = p.GetIssue().GetNumber()
	case *IssueTransferredEvent:
		s.Number = p.GetIssue().GetNumber()
	case *github.IssueCommentEvent:
		s.Number = p.GetIssue().GetNumber()
	case *github.PullRequestEvent:
		s.Number = p.GetNumber()
	case *github.PullRequestReviewCommentEvent:
		s.Number = p.GetPullRequest().GetNumber()
	case *github.PullRequestReviewEvent:
		s.Number = p.GetPullRequest().GetNumber()
	case *github.WorkflowRunEvent:
		if prs := p.GetWorkflowRun().PullRequests; len(prs) > 0 {
			s.Number = prs[0].GetNumber()
		}
	}
	return s
}

// attrs are the Summary's log attributes.
func (s Summary) attrs() []any {
	return []any{
		slog.String("action", s.Action),
		slog.Int64("installation", s.InstallationID),
		slog.String("repo", s.Repo),
		slog.Int("number", s.Number),
	}
}
