package ingress

import (
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/code-factory/code-factory/workflows"
)

// repository handles "repository": a rename moves the repository's issue
// runs to the new name; a transfer or deletion ends them.
func (c classifier) repository(p *github.RepositoryEvent) Decision {
	action := p.GetAction()
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	now := t.repo
	switch action {
	case "renamed":
		from := p.GetChanges().GetRepo().GetName().GetFrom()
		if from == "" || from == now.Name {
			return Skip{Reason: "rename without the old name"}
		}
		old := now
		old.Name, old.HTMLURL = from, ""
		return c.sweep(t.inst, "", []workflows.Repo{old}, &now)
	case "transferred":
		info := p.GetChanges().GetOwner().GetOwnerInfo()
		from := info.GetUser().GetLogin()
		if from == "" {
			from = info.GetOrg().GetLogin()
		}
		if from == "" {
			return Skip{Reason: "transfer without the old owner"}
		}
		old := now
		old.Owner, old.HTMLURL = from, ""
		return c.sweep(t.inst, workflows.GoneRepoTransferred, []workflows.Repo{old}, &now)
	case "deleted":
		return c.sweep(t.inst, workflows.GoneRepoDeleted, []workflows.Repo{now}, nil)
	}
	return c.unhandled(action)
}

// installation handles "installation": an uninstalled or suspended App can
// reach nothing, so every run of the installation ends.
func (c classifier) installation(p *github.InstallationEvent) Decision {
	var reason workflows.GoneReason
	switch p.GetAction() {
	case "deleted":
		reason = workflows.GoneUninstalled
	case "suspend":
		reason = workflows.GoneSuspended
	default:
		return Skip{Reason: "installation event " + p.GetAction()}
	}
	if p.GetInstallation().GetID() == 0 {
		return Skip{Reason: "no installation in payload"}
	}
	// No repositories: everything of the installation, found by memo. The
	// payload's list may be partial (or absent for "all repositories").
	return c.sweep(p.GetInstallation().GetID(), reason, nil, nil)
}

// installationRepositories handles "installation_repositories": the
// repositories removed from the installation are out of the App's reach.
func (c classifier) installationRepositories(p *github.InstallationRepositoriesEvent) Decision {
	if p.GetAction() != "removed" {
		return Skip{Reason: "installation_repositories event " + p.GetAction()}
	}
	inst := p.GetInstallation().GetID()
	if inst == 0 {
		return Skip{Reason: "no installation in payload"}
	}
	var repos []workflows.Repo
	for _, r := range p.RepositoriesRemoved {
		owner, name, ok := splitFullName(r.GetFullName())
		if !ok {
			continue
		}
		repos = append(repos, workflows.Repo{Owner: owner, Name: name, ID: r.GetID()})
	}
	if len(repos) == 0 {
		return Skip{Reason: "no repositories removed"}
	}
	return c.sweep(inst, workflows.GoneRepositoryRemoved, repos, nil)
}

// issueGone handles "issues" "deleted" and "transferred": the issue's run
// ends; a transferred issue is told where it went.
func (c classifier) issueGone(p *github.IssuesEvent, to *IssueTransferredEvent) Decision {
	issue := p.GetIssue()
	if issue.GetNumber() <= 0 {
		return Skip{Reason: "no issue in payload"}
	}
	t, skip, ok := repoTarget(p.GetInstallation(), p.GetRepo())
	if !ok {
		return skip
	}
	ev := c.issueEvent(workflows.KindGone, t, issue.GetNumber(), p.GetSender())
	ev.IssueURL = issue.GetHTMLURL()
	ev.Gone = &workflows.Gone{Reason: workflows.GoneIssueDeleted}
	if to != nil {
		ev.Gone.Reason = workflows.GoneIssueTransferred
		if owner, name, ok := splitFullName(to.NewRepo.GetFullName()); ok && to.NewIssue.GetNumber() > 0 {
			ev.Gone.To = &workflows.IssueLocation{
				Repo:   workflows.Repo{Owner: owner, Name: name, ID: to.NewRepo.GetID(), HTMLURL: to.NewRepo.GetHTMLURL()},
				Number: to.NewIssue.GetNumber(), URL: to.NewIssue.GetHTMLURL(),
			}
		}
	}
	return SignalIssue{
		WorkflowID: workflows.IssueWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name, issue.GetNumber()),
		Event:      ev,
	}
}

func (c classifier) sweep(inst int64, reason workflows.GoneReason, repos []workflows.Repo, to *workflows.Repo) StartSweep {
	return StartSweep{
		WorkflowID: workflows.SweepWorkflowID(c.s.TaskNamePrefix, c.delivery),
		Input: workflows.SweepInput{
			Settings: c.s, DeliveryID: c.delivery, InstallationID: inst, Reason: reason, Repos: repos, To: to,
		},
	}
}

// splitFullName splits "owner/name".
func splitFullName(full string) (owner, name string, ok bool) {
	owner, name, ok = strings.Cut(full, "/")
	return owner, name, ok && owner != "" && name != ""
}
