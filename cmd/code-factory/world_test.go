package main

import (
	"strings"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
)

// The project's own e2e world: acme/widgets#42, assigned by alice (write
// access, a Coder user) to the agent; bob comments. The deliveries are
// built by internal/payloads, so these tests need nothing outside the repo.
const (
	e2eAgent = "code-factory-agent"
	e2eIssue = 42
)

var (
	e2eRepo   = payloads.Repo{Owner: "acme", Name: "widgets", ID: 4242}
	alice     = payloads.User{Login: "alice", ID: 1001}
	bob       = payloads.User{Login: "bob", ID: 1002}
	agentUser = payloads.User{Login: e2eAgent, ID: 9001}
)

// apis are the fake Coder deployments the end-to-end suite runs against.
var apis = []fakecoder.API{fakecoder.APITasks, fakecoder.APIChats}

// issue42 is the issue as the deliveries show it.
func issue42() payloads.Issue {
	return payloads.Issue{Number: e2eIssue, Title: "Widgets break on empty input", Author: bob, Assignees: []payloads.User{agentUser}}
}

func assignedBody() []byte {
	return payloads.Issues("assigned", e2eRepo, issue42(), alice, agentUser)
}

func closedBody() []byte {
	is := issue42()
	is.State = "closed"
	return payloads.Issues("closed", e2eRepo, is, alice, payloads.User{})
}

func unassignedBody() []byte {
	is := issue42()
	is.Assignees = nil
	return payloads.Issues("unassigned", e2eRepo, is, alice, agentUser)
}

// commentBody is a comment on the issue.
func commentBody(id int64, author payloads.User, text string) []byte {
	return payloads.IssueComment("created", e2eRepo, issue42(), payloads.Comment{ID: id, Body: text, Author: author})
}

// seed makes the fakes agree with the world: alice has a Coder account and
// the issue is open and assigned to the agent.
func (s *stack) seed() {
	s.world.Coder.AddUser(alice.ID, alice.Login)
	s.world.GitHub.SetIssue(e2eRepo.Owner, e2eRepo.Name, e2eIssue, "open", e2eAgent)
}

// assign delivers the assignment and waits for the running task or chat;
// it returns its id.
func (s *stack) assign() string {
	s.t.Helper()
	s.mustPost(202, "issues", assignedBody(), "d-assign")
	eventually(s.t, "the run to be created and running", func() bool {
		return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusText(), "Task is running: ")
	})
	return s.world.Coder.Created()[0].ID
}

// statusText is the visible text of the issue's status comment, "" if none.
func (s *stack) statusText() string {
	return s.statusOf(e2eRepo.Owner, e2eRepo.Name, e2eIssue)
}

// statusOf is the visible status text of any issue.
func (s *stack) statusOf(owner, repo string, issue int) string {
	for _, c := range s.world.GitHub.Comments(owner, repo, issue) {
		if rest, ok := strings.CutPrefix(c.Body, activities.StatusCommentMarker+"\n"); ok {
			return rest
		}
	}
	return ""
}

// blocks counts the forwarded comments in a run's inputs.
func (s *stack) blocks(runID string) int {
	return strings.Count(strings.Join(s.world.Coder.Sent(runID), "\n"), "New Comment on ")
}
