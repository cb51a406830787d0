package ingress

import (
	"reflect"
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

var goneRepo = payloads.Repo{Owner: "acme", Name: "widgets", ID: 4242, Installation: 9}

func TestClassifyRepositoryRenamedMovesTheRuns(t *testing.T) {
	renamed := goneRepo
	renamed.Name = "gadgets"
	d, ok := classifyBytes(t, "repository", payloads.RepositoryRenamed(renamed, "widgets", neekolas), testSettings()).(StartSweep)
	if !ok {
		t.Fatalf("decision %T, want StartSweep", d)
	}
	in := d.Input
	if d.WorkflowID != "gh-sweep-delivery-1" || in.Reason != "" || in.InstallationID != 9 {
		t.Fatalf("sweep = %s %+v", d.WorkflowID, in)
	}
	if len(in.Repos) != 1 || in.Repos[0].FullName() != "acme/widgets" || in.Repos[0].ID != 4242 || in.To == nil || in.To.FullName() != "acme/gadgets" {
		t.Fatalf("repos %+v to %+v, want acme/widgets moving to acme/gadgets", in.Repos, in.To)
	}
}

func TestClassifyRepositoryTransferredAndDeletedEndTheRuns(t *testing.T) {
	moved := goneRepo
	moved.Owner = "acme-labs"
	d := classifyBytes(t, "repository", payloads.RepositoryTransferred(moved, "acme", neekolas), testSettings()).(StartSweep)
	if d.Input.Reason != workflows.GoneRepoTransferred || d.Input.Repos[0].FullName() != "acme/widgets" || d.Input.To.FullName() != "acme-labs/widgets" {
		t.Fatalf("transfer sweep = %+v", d.Input)
	}
	d = classifyBytes(t, "repository", payloads.RepositoryDeleted(goneRepo, neekolas), testSettings()).(StartSweep)
	if d.Input.Reason != workflows.GoneRepoDeleted || d.Input.Repos[0].FullName() != "acme/widgets" || d.Input.To != nil {
		t.Fatalf("deletion sweep = %+v", d.Input)
	}
}

func TestClassifyInstallationLossSweepsTheInstallation(t *testing.T) {
	for action, reason := range map[string]workflows.GoneReason{"deleted": workflows.GoneUninstalled, "suspend": workflows.GoneSuspended} {
		d, ok := classifyBytes(t, "installation", payloads.InstallationEvent(action, 9, neekolas, goneRepo), testSettings()).(StartSweep)
		if !ok || d.Input.Reason != reason || d.Input.InstallationID != 9 || len(d.Input.Repos) != 0 {
			t.Fatalf("%s: %#v, want a sweep of all of installation 9", action, d)
		}
	}
	if sk, ok := classifyBytes(t, "installation", payloads.InstallationEvent("unsuspend", 9, neekolas), testSettings()).(Skip); !ok || sk.Reason != "installation event unsuspend" {
		t.Fatalf("unsuspend: %#v", sk)
	}
	other := payloads.Repo{Owner: "acme", Name: "gizmos"}
	d := classifyBytes(t, "installation_repositories", payloads.RepositoriesRemoved(9, neekolas, goneRepo, other), testSettings()).(StartSweep)
	var names []string
	for _, r := range d.Input.Repos {
		names = append(names, r.FullName())
	}
	if d.Input.Reason != workflows.GoneRepositoryRemoved || !reflect.DeepEqual(names, []string{"acme/widgets", "acme/gizmos"}) {
		t.Fatalf("removed sweep = %+v", d.Input)
	}
}

func TestClassifyIssueTransferredAndDeleted(t *testing.T) {
	issue := payloads.Issue{Number: 42, Author: neekolas}
	to := payloads.Repo{Owner: "acme", Name: "gadgets", ID: 77}
	d, ok := classifyBytes(t, "issues", payloads.IssueTransferred(goneRepo, issue, to, 7, neekolas), testSettings()).(SignalIssue)
	if !ok || d.WorkflowID != "gh-acme/widgets-42" || d.Event.Kind != workflows.KindGone {
		t.Fatalf("transferred: %#v", d)
	}
	g := d.Event.Gone
	if g == nil || g.Reason != workflows.GoneIssueTransferred || g.To == nil || g.To.Repo.FullName() != "acme/gadgets" || g.To.Number != 7 ||
		g.To.URL != "https://github.com/acme/gadgets/issues/7" {
		t.Fatalf("gone = %+v", g)
	}
	d = classifyBytes(t, "issues", payloads.Issues("deleted", goneRepo, issue, neekolas, payloads.User{}), testSettings()).(SignalIssue)
	if d.Event.Kind != workflows.KindGone || d.Event.Gone.Reason != workflows.GoneIssueDeleted || d.Event.Gone.To != nil {
		t.Fatalf("deleted: %#v", d)
	}
	if sk, ok := classifyBytes(t, "repository", payloads.RepositoryRenamed(goneRepo, "widgets", neekolas), testSettings()).(Skip); !ok {
		t.Fatalf("a rename to the same name: %#v, want a skip", sk)
	}
}
