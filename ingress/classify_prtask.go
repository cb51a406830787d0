package ingress

import (
	"github.com/google/go-github/v66/github"

	"github.com/code-factory/code-factory/workflows"
)

// A pull request not by the agent gets its own task when someone mentions
// the agent on it or the repository reviews pull requests automatically.
// Issues and pull requests share one number space, so that task's workflow
// is an issue workflow keyed on the pull request's number
// (workflows.IssueWorkflowID) with IssueWorkflowInput.PR set; a pull
// request's comments never reach an issue's workflow that way, because no
// issue has the pull request's number.

// prTask routes a comment or review on pull request pr (not the agent's) to
// the pull request's own task: a new comment that mentions someone may
// start it (the workflow matches the trigger phrase); any other is
// forwarded to it when it runs.
func (c classifier) prTask(t target, ev workflows.IssueEvent, pr int, prURL string, created bool) Decision {
	ev.IssueNumber = pr
	ev.IssueURL = prURL
	id := workflows.IssueWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, pr)
	if created && ev.Comment != nil && len(workflows.Mentions(ev.Comment.Body)) > 0 {
		ev.Mention = true
		return StartIssue{WorkflowID: id, Event: ev, Input: c.prInput(t, pr)}
	}
	return SignalIssue{WorkflowID: id, Event: ev}
}

func (c classifier) prInput(t target, pr int) workflows.IssueWorkflowInput {
	return workflows.IssueWorkflowInput{Settings: c.s, Repo: t.repo, IssueNumber: pr, InstallationID: t.inst, PR: true}
}

// pullRequest handles "pull_request" for pull requests not by the agent:
// opened and ready_for_review may start an automatic review (the workflow
// reads [review]; drafts never), synchronize tells a running task about the
// push, closed ends the pull request's task.
func (c classifier) pullRequest(p *github.PullRequestEvent) Decision {
	action := p.GetAction()
	pr := p.GetPullRequest()
	switch action {
	case "opened", "ready_for_review", "synchronize", "closed":
	default:
		return c.unhandled(action)
	}
	if pr.GetNumber() <= 0 {
		return Skip{Reason: "no pull request in payload"}
	}
	author := pr.GetUser().GetLogin()
	if c.isAgent(author) {
		return Skip{Reason: "pull request by the agent (its issue's task serves it)"}
	}
	if action == "opened" && pr.GetDraft() {
		return Skip{Reason: "draft pull request"}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	id := workflows.IssueWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, pr.GetNumber())
	pull := &workflows.Pull{Action: action, Author: actor(pr.GetUser()), URL: pr.GetHTMLURL()}
	switch action {
	case "closed":
		ev := c.issueEvent(workflows.KindClosed, t, pr.GetNumber(), p.GetSender())
		ev.Pull = pull
		return SignalIssue{WorkflowID: id, Event: ev}
	case "synchronize":
		if c.isIgnoredAuthor(p.GetSender().GetLogin()) {
			return Skip{Reason: "push by the agent/bot"}
		}
		ev := c.issueEvent(workflows.KindPushed, t, pr.GetNumber(), p.GetSender())
		pull.CompareURL = compareURL(p)
		ev.Pull = pull
		return SignalIssue{WorkflowID: id, Event: ev}
	}
	ev := c.issueEvent(workflows.KindPROpened, t, pr.GetNumber(), p.GetSender())
	ev.IssueURL = pr.GetHTMLURL()
	ev.Pull = pull
	return StartIssue{WorkflowID: id, Event: ev, Input: c.prInput(t, pr.GetNumber())}
}

// compareURL is the web page of a push's commits: the repository's
// html_url + "/compare/{before}...{after}".
//
// Wire fact (go-github v66 PullRequestEvent; GitHub's webhook schema,
// webhook-pull-request-synchronize): "before" and "after" are the head's
// SHAs before and after the push.
func compareURL(p *github.PullRequestEvent) string {
	before, after := p.GetBefore(), p.GetAfter()
	if before == "" || after == "" {
		return p.GetPullRequest().GetHTMLURL() + "/files"
	}
	return p.GetRepo().GetHTMLURL() + "/compare/" + before + "..." + after
}
