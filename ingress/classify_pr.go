package ingress

import (
	"fmt"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/code-factory/code-factory/workflows"
)

// noAuthor is the skip reason of a comment or review whose user is null
// or has no login: nobody whose access could be checked wrote it.
const noAuthor = "comment has no author (null user)"

// issueComment handles "issue_comment": a comment on an issue or on the
// conversation of a pull request.
func (c classifier) issueComment(p *github.IssueCommentEvent) Decision {
	action := p.GetAction()
	if action != "created" && action != "edited" {
		return c.unhandled(action)
	}
	cm := p.GetComment()
	if cm == nil {
		return Skip{Reason: "no comment in payload"}
	}
	if cm.GetUser().GetLogin() == "" {
		return Skip{Reason: noAuthor}
	}
	if c.isIgnoredAuthor(cm.GetUser().GetLogin()) {
		return Skip{Reason: "comment by the agent/bot"}
	}
	issue := p.GetIssue()
	if issue.GetNumber() <= 0 {
		return Skip{Reason: "no issue in payload"}
	}
	onPR := issue.PullRequestLinks != nil
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	comment := &workflows.Comment{
		ID:        cm.GetID(),
		Body:      cm.GetBody(),
		URL:       cm.GetHTMLURL(),
		CreatedAt: commentTime(action, cm.GetCreatedAt(), cm.GetUpdatedAt()),
		Author:    actor(cm.GetUser()),
	}
	if onPR {
		comment.PRNumber = issue.GetNumber()
		ev := c.issueEvent(workflows.KindPRComment, t, 0, p.GetSender())
		ev.Comment = comment
		if !c.isAgent(issue.GetUser().GetLogin()) {
			return c.prTask(t, ev, issue.GetNumber(), issue.GetHTMLURL(), action == "created")
		}
		return c.prRelay(t, ev, issue.GetNumber())
	}
	ev := c.issueEvent(workflows.KindIssueComment, t, issue.GetNumber(), p.GetSender())
	ev.IssueURL = issue.GetHTMLURL()
	ev.Comment = comment
	id := workflows.IssueWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, issue.GetNumber())
	if action == "created" && len(workflows.Mentions(comment.Body)) > 0 {
		// It may address the agent: the issue's workflow (started if need
		// be) matches the repository's trigger phrase.
		ev.Mention = true
		return StartIssue{WorkflowID: id, Event: ev, Input: workflows.IssueWorkflowInput{
			Settings: c.s, Repo: t.repo, IssueNumber: issue.GetNumber(), InstallationID: t.inst,
		}}
	}
	return SignalIssue{WorkflowID: id, Event: ev}
}

// reviewComment handles "pull_request_review_comment": a comment on a line
// of a pull request's diff.
func (c classifier) reviewComment(p *github.PullRequestReviewCommentEvent) Decision {
	action := p.GetAction()
	if action != "created" && action != "edited" {
		return c.unhandled(action)
	}
	pr := p.GetPullRequest()
	if pr.GetNumber() <= 0 {
		return Skip{Reason: "no pull request in payload"}
	}
	cm := p.GetComment()
	if cm == nil {
		return Skip{Reason: "no comment in payload"}
	}
	if cm.GetUser().GetLogin() == "" {
		return Skip{Reason: noAuthor}
	}
	if c.isIgnoredAuthor(cm.GetUser().GetLogin()) {
		return Skip{Reason: "comment by the agent/bot"}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	line := cm.GetLine()
	if cm.Line == nil {
		line = cm.GetPosition()
		if cm.Position == nil {
			line = cm.GetOriginalLine()
		}
	}
	ev := c.issueEvent(workflows.KindReviewComment, t, 0, p.GetSender())
	ev.Comment = &workflows.Comment{
		ID:        cm.GetID(),
		Body:      cm.GetBody(),
		URL:       cm.GetHTMLURL(),
		CreatedAt: commentTime(action, cm.GetCreatedAt(), cm.GetUpdatedAt()),
		Author:    actor(cm.GetUser()),
		PRNumber:  pr.GetNumber(),
		Path:      cm.GetPath(),
		Line:      line,
	}
	if !c.isAgent(pr.GetUser().GetLogin()) {
		return c.prTask(t, ev, pr.GetNumber(), pr.GetHTMLURL(), action == "created")
	}
	return c.prRelay(t, ev, pr.GetNumber())
}

// review handles "pull_request_review": a submitted review's body.
func (c classifier) review(p *github.PullRequestReviewEvent) Decision {
	action := p.GetAction()
	if action != "submitted" {
		return c.unhandled(action)
	}
	pr := p.GetPullRequest()
	if pr.GetNumber() <= 0 {
		return Skip{Reason: "no pull request in payload"}
	}
	rv := p.GetReview()
	if rv.GetUser().GetLogin() == "" {
		return Skip{Reason: noAuthor}
	}
	if c.isIgnoredAuthor(rv.GetUser().GetLogin()) {
		return Skip{Reason: "review by the agent/bot"}
	}
	if strings.TrimSpace(rv.GetBody()) == "" {
		return Skip{Reason: "review body is empty"}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	ev := c.issueEvent(workflows.KindReview, t, 0, p.GetSender())
	ev.Comment = &workflows.Comment{
		ID:        rv.GetID(),
		Body:      rv.GetBody(),
		URL:       rv.GetHTMLURL(),
		CreatedAt: timestamp(rv.GetSubmittedAt()),
		Author:    actor(rv.GetUser()),
		PRNumber:  pr.GetNumber(),
	}
	if !c.isAgent(pr.GetUser().GetLogin()) {
		return c.prTask(t, ev, pr.GetNumber(), pr.GetHTMLURL(), true)
	}
	return c.prRelay(t, ev, pr.GetNumber())
}

// workflowRun handles "workflow_run": only completed runs that failed.
func (c classifier) workflowRun(p *github.WorkflowRunEvent) Decision {
	action := p.GetAction()
	if action != "completed" {
		return c.unhandled(action)
	}
	run := p.GetWorkflowRun()
	if run.GetConclusion() != "failure" {
		return Skip{Reason: fmt.Sprintf("workflow run conclusion is %q, not \"failure\"", run.GetConclusion())}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	pr := 0
	if len(run.PullRequests) > 0 {
		pr = run.PullRequests[0].GetNumber()
	}
	ev := c.issueEvent(workflows.KindCIFailure, t, 0, p.GetSender())
	ev.CIFailure = &workflows.CIFailure{
		RunID:        run.GetID(),
		WorkflowName: run.GetName(),
		WorkflowPath: run.GetPath(),
		RunURL:       run.GetHTMLURL(),
		HeadSHA:      run.GetHeadSHA(),
		HeadBranch:   run.GetHeadBranch(),
		PRNumber:     pr,
		Actor:        runActor(run, p.GetSender()),
		FromFork:     fromFork(run.GetHeadRepository(), p.GetRepo()),
	}
	return c.relay(ev)
}

// fromFork reports whether a run's head repository is another repository
// than the one the delivery is for: compared by id, else by full name. A
// run without a head repository is the repository's own.
func fromFork(head, repo *github.Repository) bool {
	if head == nil {
		return false
	}
	if head.GetID() != 0 && repo.GetID() != 0 {
		return head.GetID() != repo.GetID()
	}
	return head.GetFullName() != "" && !strings.EqualFold(head.GetFullName(), repo.GetFullName())
}

// runActor is who triggered the run: triggering_actor, else actor, else
// the delivery's sender.
func runActor(run *github.WorkflowRun, sender *github.User) workflows.Actor {
	for _, u := range []*github.User{run.GetTriggeringActor(), run.GetActor(), sender} {
		if u.GetLogin() != "" {
			return workflows.Actor{Login: u.GetLogin(), ID: u.GetID()}
		}
	}
	return workflows.Actor{}
}
