package payloads

import (
	"encoding/json"

	gh "github.com/google/go-github/v66/github"
)

// RepositoryRenamed is a "repository" renamed delivery: r has its new name,
// from is the old one.
func RepositoryRenamed(r Repo, from string, sender User) []byte {
	return marshal(&gh.RepositoryEvent{
		Action: gh.String("renamed"), Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
		Changes: &gh.EditChange{Repo: &gh.EditRepo{Name: &gh.RepoName{From: gh.String(from)}}},
	})
}

// RepositoryTransferred is a "repository" transferred delivery: r is under
// its new owner, fromOwner was the old one (an organization).
func RepositoryTransferred(r Repo, fromOwner string, sender User) []byte {
	return marshal(&gh.RepositoryEvent{
		Action: gh.String("transferred"), Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
		Changes: &gh.EditChange{Owner: &gh.EditOwner{OwnerInfo: &gh.OwnerInfo{Org: &gh.User{Login: gh.String(fromOwner)}}}},
	})
}

// RepositoryDeleted is a "repository" deleted delivery.
func RepositoryDeleted(r Repo, sender User) []byte {
	return marshal(&gh.RepositoryEvent{Action: gh.String("deleted"), Repo: r.repository(), Sender: sender.user(), Installation: r.installation()})
}

// IssueTransferred is an "issues" transferred delivery: issue is moved
// from r to to as toNumber. go-github has no type for its changes, so they
// are added to the marshalled event.
func IssueTransferred(r Repo, is Issue, to Repo, toNumber int, sender User) []byte {
	var m map[string]any
	if err := json.Unmarshal(Issues("transferred", r, is, sender, User{}), &m); err != nil {
		panic(err)
	}
	moved := is
	moved.Number = toNumber
	m["changes"] = map[string]any{"new_issue": to.issue(moved), "new_repository": to.repository()}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// InstallationEvent is an "installation" delivery (deleted, suspend, ...)
// of installation id listing repos.
func InstallationEvent(action string, id int64, sender User, repos ...Repo) []byte {
	ev := &gh.InstallationEvent{Action: gh.String(action), Installation: &gh.Installation{ID: gh.Int64(id)}, Sender: sender.user()}
	for _, r := range repos {
		ev.Repositories = append(ev.Repositories, r.repository())
	}
	return marshal(ev)
}

// RepositoriesRemoved is an "installation_repositories" removed delivery.
func RepositoriesRemoved(id int64, sender User, repos ...Repo) []byte {
	ev := &gh.InstallationRepositoriesEvent{Action: gh.String("removed"), Installation: &gh.Installation{ID: gh.Int64(id)}, Sender: sender.user(), RepositorySelection: gh.String("selected")}
	for _, r := range repos {
		ev.RepositoriesRemoved = append(ev.RepositoriesRemoved, r.repository())
	}
	return marshal(ev)
}
