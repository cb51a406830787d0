package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// A template that does not exist: the issue is told what is wrong with a
// link to the workflow in the Temporal UI, no run is left in Coder, and a
// later comment is answered as "the issue's workflow failed".
func TestE2EMissingTemplateIsToldWithALinkAndNothingLeaks(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api), withConfig(func(c *config.Config) {
			c.CodeFactoryTemplateName = "no-such-template"
			c.TemporalUIURL = "http://temporal-ui.example"
		}))
		s.seed()
		s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[sandbox]\nsize = \"large\"\n"))
		s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-assign")
		eventually(t, "the failure told", func() bool { return strings.Contains(s.statusText(), "could not go on") })
		id := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue)
		eventually(t, "the workflow ended", func() bool { return !s.running(id) })
		st := s.statusText()
		for _, want := range []string{`no template "no-such-template"`, "http://temporal-ui.example/namespaces/", "Re-assign @" + e2eAgent} {
			if !strings.Contains(st, want) {
				t.Fatalf("status lacks %q:\n%s", want, st)
			}
		}
		if n := len(s.world.Coder.Created()); n != 0 {
			t.Fatalf("runs created = %d, want none", n)
		}
		if ws := s.world.Coder.Workspaces(); len(ws) != 0 {
			t.Fatalf("workspaces left = %+v", ws)
		}
		if b := s.mustPost(http.StatusOK, "issue_comment", commentBody(5001, alice, "hello?"), "d-after-failure"); !strings.Contains(b, "failed") {
			t.Fatalf("comment after the failure answered %q", b)
		}
	})
}

// Unassigning and assigning again within a second: the first run ends and
// a second one starts.
func TestE2EUnassignThenReassignStartsASecondRun(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		first := s.assign()
		s.mustPost(http.StatusAccepted, "issues", unassignedBody(), "d-unassign")
		s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-reassign")
		eventually(t, "a second run", func() bool { return len(s.world.Coder.Created()) == 2 })
		if n := s.world.Coder.Ends(first); n != 1 {
			t.Fatalf("first run ended %d times, want 1", n)
		}
		second := s.world.Coder.Created()[1].ID
		eventually(t, "the second run reported", func() bool { return strings.Contains(s.statusText(), second) })
		if n := s.world.Coder.Ends(second); n != 0 {
			t.Fatalf("second run ended %d times, want 0", n)
		}
	})
}

// A collaborator whose write access is revoked mid-issue: once the cached
// permission expires, their next comment is not forwarded and the status
// comment says so.
func TestE2ERevokedPermissionStopsForwarding(t *testing.T) {
	s := newStack(t, withConfig(func(c *config.Config) { c.PermissionCacheTTL = time.Millisecond }))
	s.seed()
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, bob.Login, "write")
	runID := s.assign()
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, bob, "first, with write access"), "d-c1")
	eventually(t, "the first comment sent", func() bool { return s.blocks(runID) == 1 })
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, bob.Login, "read")
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5002, bob, "second, after the revocation"), "d-c2")
	eventually(t, "the note on the status comment", func() bool { return strings.Contains(s.statusText(), "`bob`") })
	if s.blocks(runID) != 1 || strings.Contains(strings.Join(s.world.Coder.Sent(runID), "\n"), "after the revocation") {
		t.Fatalf("sent = %q, want only the first comment", s.world.Coder.Sent(runID))
	}
}

// acme/api#7 and acme-labs/api#7 map to the same task name; each gets its
// own task, and closing one ends only its own.
func TestE2ECollidingRepositoriesGetTwoTasks(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.world.Coder.AddUser(alice.ID, alice.Login)
		repos := []payloads.Repo{{Owner: "acme", Name: "api", ID: 501}, {Owner: "acme-labs", Name: "api", ID: 502}}
		is := payloads.Issue{Number: 7, Title: "Fix it", Author: bob, Assignees: []payloads.User{agentUser}}
		for i, r := range repos {
			s.world.GitHub.SetIssue(r.Owner, r.Name, 7, "open", e2eAgent)
			s.mustPost(http.StatusAccepted, "issues", payloads.Issues("assigned", r, is, alice, agentUser), "d-assign-"+r.Owner)
			eventually(t, "run "+r.FullName(), func() bool { return len(s.world.Coder.Created()) == i+1 })
		}
		created := s.world.Coder.Created()
		if created[0].ID == created[1].ID || (created[0].Name == created[1].Name && created[0].Name != "") {
			t.Fatalf("runs = %+v, want two distinct runs", created)
		}
		closed := is
		closed.State = "closed"
		s.mustPost(http.StatusAccepted, "issues", payloads.Issues("closed", repos[1], closed, alice, payloads.User{}), "d-close-labs")
		eventually(t, "acme-labs' run ended", func() bool { return s.world.Coder.Ends(created[1].ID) == 1 })
		if n := s.world.Coder.Ends(created[0].ID); n != 0 {
			t.Fatalf("closing acme-labs/api#7 ended acme/api#7's run (%d ends)", n)
		}
	})
}

// ci.yml and lint.yml both fail on the agent's head commit: both failures
// reach the run.
func TestE2ETwoFailingWorkflowsOnOneCommitAreBothRelayed(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks))
	s.seed()
	runID := s.assign()
	pr := agentPR()
	s.world.GitHub.SetClosingIssues(e2eRepo.Owner, e2eRepo.Name, pr.Number, e2eIssue)
	s.world.GitHub.SetPullRequest(e2eRepo.Owner, e2eRepo.Name, fakegithub.PullRequest{Number: pr.Number, Author: e2eAgent, HeadSHA: pr.HeadSHA})
	for i, wf := range []struct{ name, path string }{{"CI", ".github/workflows/ci.yml"}, {"Lint", ".github/workflows/lint.yml"}} {
		id := int64(7101 + i)
		s.world.GitHub.SetRunJobs(e2eRepo.Owner, e2eRepo.Name, id, fakegithub.Job{ID: id * 10, Name: strings.ToLower(wf.name), Conclusion: "failure"})
		s.world.GitHub.SetJobLog(id*10, wf.name+" FAILED\n")
		run := payloads.Run{ID: id, Name: wf.name, Path: wf.path, HeadSHA: pr.HeadSHA, HeadBranch: pr.HeadRef, Conclusion: "failure", PRs: []int{pr.Number}, Actor: agentUser}
		s.mustPost(http.StatusAccepted, "workflow_run", payloads.WorkflowRun(e2eRepo, run), "d-run-"+wf.name)
	}
	all := func() string { return strings.Join(s.world.Coder.Sent(runID), "\n") }
	eventually(t, "both failures relayed", func() bool {
		return strings.Contains(all(), "CI FAILED") && strings.Contains(all(), "Lint FAILED")
	})
}
