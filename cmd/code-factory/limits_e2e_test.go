package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// assignIssue delivers the agent's assignment to issue n (made open and
// assigned on the fake).
func (s *stack) assignIssue(n int) {
	s.t.Helper()
	s.world.GitHub.SetIssue(e2eRepo.Owner, e2eRepo.Name, n, "open", e2eAgent)
	is := payloads.Issue{Number: n, Title: "t", Author: bob, Assignees: []payloads.User{agentUser}}
	s.mustPost(http.StatusAccepted, "issues", payloads.Issues("assigned", e2eRepo, is, alice, agentUser), "d-cap-"+strconv.Itoa(n))
}

// closeIssue delivers issue n's closing.
func (s *stack) closeIssue(n int) {
	s.t.Helper()
	s.world.GitHub.SetIssue(e2eRepo.Owner, e2eRepo.Name, n, "closed", e2eAgent)
	is := payloads.Issue{Number: n, Title: "t", Author: bob, State: "closed", Assignees: []payloads.User{agentUser}}
	s.mustPost(http.StatusAccepted, "issues", payloads.Issues("closed", e2eRepo, is, alice, payloads.User{}), "d-cap-close-"+strconv.Itoa(n))
}

// The default cap of 10 tasks per repository queues the 11th and 12th in
// order, says how many are ahead, and starts each when a task ends.
func TestE2EConcurrencyCapQueues(t *testing.T) {
	s := newStack(t)
	s.world.Coder.AddUser(alice.ID, alice.Login)
	for n := 101; n <= 110; n++ {
		s.assignIssue(n)
	}
	eventually(t, "ten tasks", func() bool { return len(s.world.Coder.Created()) == 10 })
	s.assignIssue(111)
	eventually(t, "the 11th queued", func() bool {
		return strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 111), "Queued: 10 of 10 task slots")
	})
	s.assignIssue(112)
	eventually(t, "the 12th queued behind it", func() bool {
		return strings.Contains(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 112), "1 ahead of this one")
	})
	if n := len(s.world.Coder.Created()); n != 10 {
		t.Fatalf("%d runs while at the cap, want 10", n)
	}

	s.closeIssue(101)
	eventually(t, "the 11th started", func() bool {
		return len(s.world.Coder.Created()) == 11 && strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 111), "Task is running: ")
	})
	if c := s.world.Coder.Created()[10]; !strings.HasSuffix(c.Name, "-111") && !strings.Contains(c.Input, "/issues/111") {
		t.Errorf("the 11th run is not issue 111's: %+v", c)
	}
	eventually(t, "the 12th told it is next", func() bool {
		return strings.Contains(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 112), "0 ahead of this one")
	})
	if n := len(s.world.Coder.Created()); n != 11 {
		t.Fatalf("%d runs, want 11", n)
	}
	// Closing a queued issue gives its place up; closing a running
	// task's issue frees a slot for the next assignment.
	s.closeIssue(112)
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-acme/widgets-112")
	s.closeIssue(102)
	s.assignIssue(113)
	eventually(t, "the 13th started at once", func() bool { return len(s.world.Coder.Created()) == 12 })
	if c := s.world.Coder.Created()[11]; !strings.HasSuffix(c.Name, "-113") && !strings.Contains(c.Input, "/issues/113") {
		t.Errorf("the 12th run is not issue 113's: %+v", c)
	}
	// The slot workflow's history (grants, a queue, releases) replays, and
	// UPDATE_HISTORIES=slots-queue-lean-start-1 records it.
	slots := workflows.SlotsWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name)
	replayAndWrite(t, map[string]*historypb.History{"slots-queue-" + currentMarker: s.history(slots)})
}
