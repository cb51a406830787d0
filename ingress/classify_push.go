package ingress

import (
	"slices"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/code-factory/code-factory/workflows"
)

// pushCommitCap is the number of commits from which a push's commit list is
// treated as cut by GitHub, so the file list cannot be trusted.
const pushCommitCap = 20

// zeroSHA is the "before" of a created ref and the "after" of a deleted one.
const zeroSHA = "0000000000000000000000000000000000000000"

// push handles "push": a push to the default branch that touches (or, when
// the commit list cannot tell, may touch) ConfigPath.
func (c classifier) push(p *github.PushEvent) Decision {
	repo := p.GetRepo()
	branch := repo.GetDefaultBranch()
	ref := p.GetRef()
	if !strings.HasPrefix(ref, "refs/heads/") {
		return Skip{Reason: "push is not to a branch"}
	}
	if branch == "" || ref != "refs/heads/"+branch {
		return Skip{Reason: "push is not to the default branch"}
	}
	if p.GetDeleted() || p.GetAfter() == zeroSHA {
		return Skip{Reason: "default branch deleted"}
	}
	touched, removed := configTouched(p.Commits)
	truncated := pushNeedsCompare(p)
	if !touched && !truncated {
		return Skip{Reason: "push does not touch " + ConfigPath}
	}
	t, skip, ok := targetOf(p.GetInstallation(), repo.GetOwner(), repo.GetName(), repo.GetID(), repo.GetHTMLURL())
	if !ok {
		return skip
	}
	push := workflows.ConfigPush{
		DeliveryID:     c.delivery,
		InstallationID: t.inst,
		Repo:           t.repo,
		DefaultBranch:  branch,
		Before:         p.GetBefore(),
		After:          p.GetAfter(),
		Pusher:         pusher(p),
		Removed:        removed && !truncated,
		Truncated:      truncated,
	}
	return StartConfig{
		WorkflowID: workflows.ConfigWorkflowID(c.s.TaskNamePrefix, t.repo.Owner, t.repo.Name),
		Input: workflows.ConfigWorkflowInput{
			Settings:       c.s,
			Repo:           t.repo,
			InstallationID: t.inst,
		},
		Push: push,
	}
}

// configTouched reports whether any commit added, modified or removed
// ConfigPath, and whether the last commit that touched it removed it.
func configTouched(commits []*github.HeadCommit) (touched, removed bool) {
	for _, cm := range commits {
		if cm == nil { // "commits":[null] in a malformed payload
			continue
		}
		switch {
		case slices.Contains(cm.Removed, ConfigPath):
			touched, removed = true, true
		case slices.Contains(cm.Added, ConfigPath), slices.Contains(cm.Modified, ConfigPath):
			touched, removed = true, false
		}
	}
	return touched, removed
}

// pushNeedsCompare reports whether the payload's commit list may not show
// every change between Before and After: GitHub cut the list, or the push
// was forced (commits dropped from the branch are not listed), or the ref
// moved without listing any commit (e.g. a reset to an older commit).
func pushNeedsCompare(p *github.PushEvent) bool {
	if len(p.Commits) >= pushCommitCap || p.GetForced() {
		return true
	}
	return len(p.Commits) == 0 && !p.GetCreated() && p.GetBefore() != p.GetAfter()
}

// pusher is who pushed: GitHub's pusher.name is the login; the sender carries
// the id when it is the same user.
func pusher(p *github.PushEvent) workflows.Actor {
	login := p.GetPusher().GetName()
	sender := p.GetSender()
	if login == "" {
		login = sender.GetLogin()
	}
	a := workflows.Actor{Login: login}
	if strings.EqualFold(sender.GetLogin(), login) {
		a.ID = sender.GetID()
	}
	return a
}
