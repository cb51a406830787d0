package ingress

import (
	"strings"
	"time"

	"github.com/google/go-github/v66/github"

	"github.com/code-factory/code-factory/workflows"
)

// Classify decides what to do with one verified delivery. event is the
// X-GitHub-Event header, payload what parsePayload returned for it.
// It is pure: no I/O, no clock, no logging.
func Classify(event, deliveryID string, payload any, opts ClassifyOptions) Decision {
	c := classifier{event: event, delivery: deliveryID, s: opts.Settings}
	switch p := payload.(type) {
	case *IssueTransferredEvent:
		return c.issueGone(p.IssuesEvent, p)
	case *github.IssuesEvent:
		if p.GetAction() == "deleted" {
			return c.issueGone(p, nil)
		}
		return c.issues(p)
	case *github.RepositoryEvent:
		return c.repository(p)
	case *github.IssueCommentEvent:
		return c.issueComment(p)
	case *github.PullRequestReviewCommentEvent:
		return c.reviewComment(p)
	case *github.PullRequestReviewEvent:
		return c.review(p)
	case *github.PullRequestEvent:
		return c.pullRequest(p)
	case *github.WorkflowRunEvent:
		return c.workflowRun(p)
	case *github.PushEvent:
		return c.push(p)
	case *github.PingEvent:
		return Skip{Reason: "pong"}
	case *github.InstallationEvent:
		return c.installation(p)
	case *github.InstallationRepositoriesEvent:
		return c.installationRepositories(p)
	}
	return c.unhandled(actionOf(payload))
}

// classifier carries the per-delivery inputs shared by the event handlers.
type classifier struct {
	event    string
	delivery string
	s        workflows.Settings
}

// unhandled is the Skip for an event/action pair nothing listens to.
func (c classifier) unhandled(action string) Skip {
	if action == "" {
		return Skip{Reason: "unhandled event " + c.event}
	}
	return Skip{Reason: "unhandled event " + c.event + "." + action}
}

// isAgent reports whether login is the agent user (case-insensitive).
func (c classifier) isAgent(login string) bool {
	return c.s.AgentLogin != "" && strings.EqualFold(login, c.s.AgentLogin)
}

// isIgnoredAuthor reports whether login is the agent or the App's bot user,
// whose own comments must never be fed back to the task.
func (c classifier) isIgnoredAuthor(login string) bool {
	if c.isAgent(login) {
		return true
	}
	return c.s.BotLogin != "" && strings.EqualFold(login, c.s.BotLogin)
}

// target is where a dispatched decision goes: the installation and repository.
type target struct {
	inst int64
	repo workflows.Repo
}

// targetOf extracts the installation and repository (with its id, 0 when
// the payload has none) a handled event must carry; ok is false with the
// Skip to return when either is missing.
func targetOf(inst *github.Installation, owner *github.User, name string, id int64, htmlURL string) (target, Skip, bool) {
	if inst.GetID() == 0 {
		return target{}, Skip{Reason: "no installation in payload"}, false
	}
	o := owner.GetLogin()
	if o == "" {
		o = owner.GetName()
	}
	if o == "" || name == "" {
		return target{}, Skip{Reason: "no repository in payload"}, false
	}
	if strings.Contains(o, "/") || strings.Contains(name, "/") {
		// GitHub names never contain "/"; workflow IDs rely on it.
		return target{}, Skip{Reason: "invalid repository name in payload"}, false
	}
	return target{inst: inst.GetID(), repo: workflows.Repo{Owner: o, Name: name, ID: id, HTMLURL: htmlURL}}, Skip{}, true
}

// repoTarget is targetOf for events carrying a *github.Repository.
func repoTarget(inst *github.Installation, r *github.Repository) (target, Skip, bool) {
	return targetOf(inst, r.GetOwner(), r.GetName(), r.GetID(), r.GetHTMLURL())
}

// actor converts a GitHub user.
func actor(u *github.User) workflows.Actor {
	return workflows.Actor{Login: u.GetLogin(), ID: u.GetID()}
}

// timestamp formats a GitHub timestamp the way GitHub sends it (RFC 3339, UTC).
func timestamp(t github.Timestamp) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// commentTime is created_at for a new comment and updated_at for an edit.
// It takes values (from the nil-safe getters): a payload may carry no
// comment object at all.
func commentTime(action string, created, updated github.Timestamp) string {
	if action == "edited" && !updated.IsZero() {
		return timestamp(updated)
	}
	return timestamp(created)
}

// issues handles the "issues" event.
func (c classifier) issues(p *github.IssuesEvent) Decision {
	action := p.GetAction()
	var kind workflows.EventKind
	switch action {
	case "assigned":
		if !c.isAgent(p.GetAssignee().GetLogin()) {
			return Skip{Reason: "assignee is not the agent"}
		}
		kind = workflows.KindAssigned
	case "reopened":
		if !c.agentAssigned(p.GetIssue()) {
			return Skip{Reason: "agent is not assigned to the issue"}
		}
		kind = workflows.KindReopened
	case "closed":
		kind = workflows.KindClosed
	case "unassigned":
		if !c.isAgent(p.GetAssignee().GetLogin()) {
			return Skip{Reason: "unassigned user is not the agent"}
		}
		kind = workflows.KindUnassigned
	case "opened":
		if len(workflows.Mentions(p.GetIssue().GetBody())) == 0 || c.isIgnoredAuthor(p.GetIssue().GetUser().GetLogin()) {
			return Skip{Reason: "new issue mentions no one"}
		}
		kind = workflows.KindOpened
	case "labeled":
		kind = workflows.KindLabeled
	case "unlabeled":
		kind = workflows.KindUnlabeled
	default:
		return c.unhandled(action)
	}
	issue := p.GetIssue()
	if issue.GetNumber() <= 0 {
		return Skip{Reason: "no issue in payload"}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	ev := c.issueEvent(kind, t, issue.GetNumber(), p.GetSender())
	ev.IssueURL = issue.GetHTMLURL()
	switch kind {
	case workflows.KindLabeled, workflows.KindUnlabeled:
		if ev.Label = p.GetLabel().GetName(); ev.Label == "" {
			return Skip{Reason: "no label in payload"}
		}
	case workflows.KindOpened:
		ev.Mention = true
		ev.Comment = &workflows.Comment{Body: issue.GetBody(), URL: issue.GetHTMLURL(), CreatedAt: timestamp(issue.GetCreatedAt()), Author: actor(issue.GetUser())}
	}
	id := workflows.IssueWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, issue.GetNumber())
	if !kind.Starts() {
		return SignalIssue{WorkflowID: id, Event: ev}
	}
	return StartIssue{
		WorkflowID: id,
		Input: workflows.IssueWorkflowInput{
			Settings:       c.s,
			Repo:           t.repo,
			IssueNumber:    issue.GetNumber(),
			InstallationID: t.inst,
		},
		Event: ev,
	}
}

// agentAssigned reports whether the agent is among the issue's assignees.
func (c classifier) agentAssigned(issue *github.Issue) bool {
	if issue == nil {
		return false
	}
	if c.isAgent(issue.GetAssignee().GetLogin()) {
		return true
	}
	for _, a := range issue.Assignees {
		if c.isAgent(a.GetLogin()) {
			return true
		}
	}
	return false
}

// issueEvent builds the common part of an IssueEvent.
func (c classifier) issueEvent(kind workflows.EventKind, t target, issue int, sender *github.User) workflows.IssueEvent {
	return workflows.IssueEvent{
		DeliveryID:     c.delivery,
		Kind:           kind,
		InstallationID: t.inst,
		Repo:           t.repo,
		IssueNumber:    issue,
		Sender:         actor(sender),
	}
}

// prRelay sends a comment or review on pull request pr to the pull
// request's relay workflow.
func (c classifier) prRelay(t target, ev workflows.IssueEvent, pr int) StartPRRelay {
	return StartPRRelay{
		WorkflowID: workflows.PRRelayWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, pr),
		Input:      workflows.PRRelayInput{Settings: c.s, InstallationID: t.inst, Repo: t.repo, PRNumber: pr},
		Event:      ev,
	}
}

// relay wraps an event in a StartRelay keyed by the delivery id.
func (c classifier) relay(ev workflows.IssueEvent) StartRelay {
	return StartRelay{
		WorkflowID: workflows.RelayWorkflowID(c.s.TaskNamePrefix, c.delivery),
		Input:      workflows.RelayInput{Settings: c.s, Event: ev},
	}
}

// actionOf returns the "action" of any go-github event that has one.
func actionOf(payload any) string {
	if a, ok := payload.(interface{ GetAction() string }); ok {
		return a.GetAction()
	}
	return ""
}
