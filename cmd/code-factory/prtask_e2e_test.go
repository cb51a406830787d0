package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/payloads"
)

var dave = payloads.User{Login: "dave", ID: 1005}

// seedPR scripts pull request n by author, changing files. It returns the
// pull request as deliveries show it.
func (s *stack) seedPR(n int, author payloads.User, draft bool, files ...string) payloads.PR {
	s.world.GitHub.SetPullRequest(e2eRepo.Owner, e2eRepo.Name, fakegithub.PullRequest{Number: n, Author: author.Login, HeadSHA: "feed", HeadRef: "feature", Files: files})
	return payloads.PR{Number: n, Author: author, HeadSHA: "feed", HeadRef: "feature", Draft: draft, Title: "A change"}
}

// prWorkflow is the workflow of pull request n's own task.
func (s *stack) prWorkflow(n int) string {
	return s.cfg.CoderTaskNamePrefix + "-acme/widgets-" + strconv.Itoa(n)
}

// A mention on a pull request not by the agent starts that pull request's
// own task as the commenter's Coder user, with the pull request's URL and
// the comment; later comments, review comments and pushes reach it, and
// closing the pull request deletes it.
func TestE2EPullRequestTask(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.world.Coder.AddUser(alice.ID, alice.Login)
			pr := s.seedPR(90, bob, false, "src/a.go")
			view := payloads.Issue{Number: 90, Title: "A change", Author: bob, PullRequest: true}
			ask := payloads.Comment{ID: 9001, Body: mentionOf + " please tighten the error handling", Author: alice}
			s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", e2eRepo, view, ask), "d-pr-1")
			eventually(t, "the pull request's task running", func() bool {
				return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 90), "Task is running: ")
			})
			first := s.world.Coder.Created()[0]
			if first.Owner != alice.Login || !strings.Contains(first.Input, "/pull/90") || !strings.Contains(first.Input, "tighten the error handling") {
				t.Errorf("first message = owner %q input %q", first.Owner, first.Input)
			}
			if api == "chats" && !strings.Contains(first.Input, "PR_NUMBER: 90") {
				t.Errorf("chat prompt is not the pull request's: %q", first.Input)
			}
			s.mustPost(http.StatusAccepted, "pull_request_review_comment",
				payloads.ReviewComment("created", e2eRepo, pr, payloads.Comment{ID: 9002, Body: "this returns nil twice", Author: alice}, "src/a.go", 12), "d-pr-2")
			eventually(t, "the review comment forwarded", func() bool {
				return strings.Contains(strings.Join(s.world.Coder.Sent(first.ID), "\n"), "File: src/a.go:12")
			})
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullSynchronize(e2eRepo, pr, "1111", "2222", bob), "d-pr-3")
			eventually(t, "the push told", func() bool {
				return strings.Contains(strings.Join(s.world.Coder.Sent(first.ID), "\n"), "new commits pushed: "+e2eRepo.HTMLURL()+"/compare/1111...2222")
			})
			closed := pr
			closed.State = "closed"
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("closed", e2eRepo, closed, bob), "d-pr-4")
			eventually(t, "the task deleted", func() bool { return s.world.Coder.Ends(first.ID) == 1 })
			s.waitClosed(s.prWorkflow(90))
			if st := s.statusOf(e2eRepo.Owner, e2eRepo.Name, 90); !strings.Contains(st, "pull request was closed") {
				t.Errorf("status = %q", st)
			}
			if n := len(s.world.Coder.Created()); n != 1 {
				t.Errorf("%d runs, want 1", n)
			}
			// A comment on a pull request with no task and no mention is a 200.
			s.mustPost(http.StatusOK, "issue_comment", payloads.IssueComment("created", e2eRepo, view, payloads.Comment{ID: 9003, Body: "thanks", Author: alice}), "d-pr-5")
		})
	}
}

// [review] starts a review task on opened and ready_for_review, never for
// a draft, a skipped author or a pull request outside the path filter; a
// push goes to the running review, not a second one.
func TestE2EAutomaticReview(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.world.Coder.AddUser(alice.ID, alice.Login)
			s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte(
				"[review]\nenabled = true\npaths = [\"src/**\"]\nskip_authors = [\"renovate[bot]\"]\nprompt = \"Look for data races.\"\n"))
			draft := s.seedPR(91, alice, true, "src/a.go")
			s.mustPost(http.StatusOK, "pull_request", payloads.PullRequest("opened", e2eRepo, draft, alice), "d-rv-draft")
			docs := s.seedPR(92, alice, false, "docs/a.md")
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, docs, alice), "d-rv-docs")
			bot := s.seedPR(93, renovate, false, "src/deps.go")
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, bot, renovate), "d-rv-bot")
			s.waitClosed(s.prWorkflow(92))
			s.waitClosed(s.prWorkflow(93))
			if n := len(s.world.Coder.Created()); n != 0 {
				t.Fatalf("%d runs for a docs-only and a skipped author's pull request", n)
			}
			if c := s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, 92); len(c) != 0 {
				t.Errorf("comments on a pull request not reviewed: %v", c)
			}

			pr := s.seedPR(94, alice, false, "README.md", "src/x/y.go")
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, pr, alice), "d-rv-open")
			eventually(t, "the review running", func() bool {
				return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 94), "Task is running: ")
			})
			review := s.world.Coder.Created()[0]
			if !strings.Contains(review.Input, "/pull/94") || !strings.Contains(review.Input, "Look for data races.") {
				t.Errorf("review input = %q", review.Input)
			}
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullSynchronize(e2eRepo, pr, "aaaa", "bbbb", alice), "d-rv-push")
			eventually(t, "the push told", func() bool {
				return strings.Contains(strings.Join(s.world.Coder.Sent(review.ID), "\n"), "/compare/aaaa...bbbb")
			})

			// The draft becomes ready: a review of its own.
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("ready_for_review", e2eRepo, draft, alice), "d-rv-ready")
			eventually(t, "the second review", func() bool { return len(s.world.Coder.Created()) == 2 })
			if in := s.world.Coder.Created()[1].Input; !strings.Contains(in, "/pull/91") {
				t.Errorf("second review input = %q", in)
			}
			if n := len(s.world.Coder.Created()); n != 2 {
				t.Errorf("%d runs, want 2", n)
			}

			// on_push = false: a push is not told; it is handled (in order)
			// before the comment that follows it.
			s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[review]\nenabled = true\non_push = false\n"))
			quiet := s.seedPR(98, alice, false, "src/q.go")
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, quiet, alice), "d-rv-quiet")
			eventually(t, "the third review", func() bool { return len(s.world.Coder.Created()) == 3 })
			third := s.world.Coder.Created()[2].ID
			eventually(t, "the third review running", func() bool {
				return strings.HasPrefix(s.statusOf(e2eRepo.Owner, e2eRepo.Name, 98), "Task is running: ")
			})
			s.mustPost(http.StatusAccepted, "pull_request", payloads.PullSynchronize(e2eRepo, quiet, "cccc", "dddd", alice), "d-rv-quiet-push")
			s.mustPost(http.StatusAccepted, "pull_request_review_comment",
				payloads.ReviewComment("created", e2eRepo, quiet, payloads.Comment{ID: 9801, Body: "and this", Author: alice}, "src/q.go", 1), "d-rv-quiet-comment")
			eventually(t, "the comment after the push sent", func() bool {
				return strings.Contains(strings.Join(s.world.Coder.Sent(third), "\n"), "and this")
			})
			if sent := strings.Join(s.world.Coder.Sent(third), "\n"); strings.Contains(sent, "new commits pushed") {
				t.Errorf("a push was told with on_push = false: %s", sent)
			}
		})
	}
}

// allowed_teams admits members of the team (asked once per person within
// the cache's TTL) and refuses others with an explanation.
func TestE2EAllowedTeams(t *testing.T) {
	s := newStack(t)
	s.seedUnassigned()
	s.world.Coder.AddUser(dave.ID, dave.Login)
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nallowed_teams = [\"platform\"]\n"))
	s.world.GitHub.SetTeamMember(e2eRepo.Owner, "platform", dave.Login, "active")
	s.world.GitHub.SetTeamMember(e2eRepo.Owner, "platform", carol.Login, "pending")

	s.mention(http.StatusAccepted, 9101, carol, mentionOf+" fix this", "d-team-1")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-acme/widgets-42")
	if st := s.statusText(); !strings.Contains(st, "allowed_teams") || !strings.Contains(st, "`carol`") {
		t.Errorf("status = %q", st)
	}
	// One after the other: the second asks within the TTL of the first's
	// answer (two lookups at the same moment may both ask GitHub).
	for i, n := range []int{44, 45} {
		s.world.GitHub.SetIssue(e2eRepo.Owner, e2eRepo.Name, n, "open")
		is := payloads.Issue{Number: n, Title: "t", Author: bob}
		s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", e2eRepo, is, payloads.Comment{ID: int64(9110 + i), Body: mentionOf + " go", Author: dave}), "d-team-dave-"+strconv.Itoa(n))
		eventually(t, "dave's task "+strconv.Itoa(i+1), func() bool { return len(s.world.Coder.Created()) == i+1 })
	}
	for _, c := range s.world.Coder.Created() {
		if c.Owner != dave.Login {
			t.Errorf("a run owned by %q", c.Owner)
		}
	}
	if n := s.world.GitHub.Count("GET", "/orgs/"+e2eRepo.Owner+"/teams/platform/memberships/dave"); n != 1 {
		t.Errorf("dave's membership asked %d times, want 1 (cached)", n)
	}
}

// A bot listed in allowed_users (dependabot[bot] for reviews) starts a
// review although GitHub's permission API does not know it; an unlisted
// bot does not, and nothing is written on its pull request.
func TestE2EReviewOfAListedBot(t *testing.T) {
	s := newStack(t)
	dependabot := payloads.User{Login: "dependabot[bot]", ID: 49699333}
	s.world.Coder.AddUser(dependabot.ID, "dependabot")
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, dependabot.Login, "none")
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, renovate.Login, "none")
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte(
		"[review]\nenabled = true\n[triggers]\nallowed_users = [\"alice\", \"dependabot[bot]\"]\n"))
	other := s.seedPR(99, renovate, false, "go.mod")
	s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, other, renovate), "d-bot-1")
	s.waitClosed(s.prWorkflow(99))
	if c := s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, 99); len(c) != 0 || len(s.world.Coder.Created()) != 0 {
		t.Fatalf("an unlisted bot's pull request got comments %v or runs %d", c, len(s.world.Coder.Created()))
	}
	pr := s.seedPR(100, dependabot, false, "go.mod")
	s.mustPost(http.StatusAccepted, "pull_request", payloads.PullRequest("opened", e2eRepo, pr, dependabot), "d-bot-2")
	eventually(t, "the bot's review", func() bool { return len(s.world.Coder.Created()) == 1 })
	if c := s.world.Coder.Created()[0]; c.Owner != "dependabot" || !strings.Contains(c.Input, "/pull/100") {
		t.Errorf("review = owner %q input %q", c.Owner, c.Input)
	}
}
