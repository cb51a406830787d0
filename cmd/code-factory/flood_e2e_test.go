package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
)

// TestE2ECommentFloodWhileBusyIsDeliveredInOrder posts a burst of comments
// while the agent is working. A task gets none until it is idle, then every
// comment; a chat gets each at once (Coder queues them). Either way each
// comment reaches the run exactly once, in the order GitHub delivered them.
func TestE2ECommentFloodWhileBusyIsDeliveredInOrder(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		const n = 120
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		if err := s.world.Coder.SetWorking(runID); err != nil {
			t.Fatal(err)
		}
		if err := s.world.Coder.Hold(runID); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			body := commentBody(int64(7000000+i), alice, fmt.Sprintf("flood comment %03d", i))
			if code, b := s.deliverBytes("issue_comment", body, fmt.Sprintf("flood-%d", i)); code != http.StatusAccepted {
				t.Fatalf("comment %d: %d %s", i, code, b)
			}
		}
		all := func() string { return strings.Join(s.world.Coder.Sent(runID), "\n") }
		if api == fakecoder.APITasks {
			if sent := s.world.Coder.Sent(runID); len(sent) != 0 {
				t.Fatalf("%d inputs sent while the agent was busy", len(sent))
			}
		} else {
			eventually(t, "every comment queued at the busy chat", func() bool { return strings.Count(all(), "flood comment ") == n })
		}
		if err := s.world.Coder.Release(runID); err != nil {
			t.Fatal(err)
		}
		eventually(t, "every comment delivered", func() bool { return strings.Count(all(), "flood comment ") == n })
		text, last := all(), -1
		for i := 0; i < n; i++ {
			at := strings.Index(text, fmt.Sprintf("flood comment %03d", i))
			if at < last {
				t.Fatalf("comment %d delivered out of order", i)
			}
			if c := strings.Count(text, fmt.Sprintf("flood comment %03d\n", i)); c != 1 {
				t.Fatalf("comment %d delivered %d times", i, c)
			}
			last = at
		}
	})
}

// TestE2EPullRequestCommentBurstIsDeliveredInOrder posts 50 comments on
// the agent's pull request in a burst. They pass through the pull
// request's one relay, which looks the linked issue up once, and reach the
// issue's run exactly once each, in the order GitHub delivered them.
func TestE2EPullRequestCommentBurstIsDeliveredInOrder(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		const n = 50
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		pr := agentPR()
		s.world.GitHub.SetClosingIssues(e2eRepo.Owner, e2eRepo.Name, pr.Number, e2eIssue)
		graphQL := s.world.GitHub.Count("POST", "/graphql")
		prView := payloads.Issue{Number: pr.Number, Author: agentUser, PullRequest: true}
		for i := 0; i < n; i++ {
			body := payloads.IssueComment("created", e2eRepo, prView, payloads.Comment{ID: int64(8000000 + i), Body: fmt.Sprintf("pr comment %02d", i), Author: alice})
			if code, b := s.deliverBytes("issue_comment", body, fmt.Sprintf("pr-burst-%d", i)); code != http.StatusAccepted {
				t.Fatalf("comment %d: %d %s", i, code, b)
			}
		}
		all := func() string { return strings.Join(s.world.Coder.Sent(runID), "\n") }
		eventually(t, "every PR comment delivered", func() bool { return strings.Count(all(), "pr comment ") == n })
		text, last := all(), -1
		for i := 0; i < n; i++ {
			at := strings.Index(text, fmt.Sprintf("pr comment %02d\n", i))
			if at < last {
				t.Fatalf("PR comment %d delivered out of order", i)
			}
			if c := strings.Count(text, fmt.Sprintf("pr comment %02d\n", i)); c != 1 {
				t.Fatalf("PR comment %d delivered %d times", i, c)
			}
			last = at
		}
		if got := s.world.GitHub.Count("POST", "/graphql") - graphQL; got != 1 {
			t.Fatalf("linked issue looked up %d times for %d comments, want once", got, n)
		}
	})
}

// A signal handed to the receiving coroutine in the very task that
// continues the run as new must go along. Each comment is posted the moment
// the previous one reaches Coder, which is when the run (two events per
// run here) continues as new: every comment is still delivered once, in
// order.
func TestE2EContinueAsNewLosesNoComment(t *testing.T) {
	const n = 16
	s := newStack(t, onAPI(fakecoder.APITasks), withConfig(func(c *config.Config) { c.EventsPerRun = 2 }))
	s.seed()
	runID := s.assign()
	for i := 0; i < n; i++ {
		body := commentBody(int64(7100000+i), alice, fmt.Sprintf("can comment %02d", i))
		if code, b := s.deliverBytes("issue_comment", body, fmt.Sprintf("can-%d", i)); code != http.StatusAccepted {
			t.Fatalf("comment %d: %d %s", i, code, b)
		}
		eventually(t, fmt.Sprintf("comment %d delivered", i), func() bool { return s.blocks(runID) == i+1 })
	}
	text := strings.Join(s.world.Coder.Sent(runID), "\n")
	for i := 0; i < n; i++ {
		if c := strings.Count(text, fmt.Sprintf("can comment %02d\n", i)); c != 1 {
			t.Fatalf("comment %d delivered %d times", i, c)
		}
	}
}
