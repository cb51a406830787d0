package ingress

import (
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// TestClassifyPullRequestTasks: on a pull request not by the agent, a new
// comment, review comment or review that mentions someone starts (or
// signals) the pull request's own task, keyed on its number; other
// comments, pushes and closing only signal it; opened and ready_for_review
// may start a review, drafts and the agent's pull requests never.
func TestClassifyPullRequestTasks(t *testing.T) {
	s := testSettings()
	pr := payloads.PR{Number: 90, Author: neekolas, HeadSHA: "abc", HeadRef: "feature"}
	id := "gh-" + ownCapRepo.FullName() + "-90"
	mention := payloads.Comment{ID: 7, Body: "@" + capturedAgent + " please fix the tests", Author: neekolas}
	plain := payloads.Comment{ID: 8, Body: "looks fine", Author: neekolas}
	view := payloads.Issue{Number: 90, Title: "t", Author: neekolas, PullRequest: true}

	start := func(event string, body []byte, kind workflows.EventKind) StartIssue {
		t.Helper()
		d, ok := classifyBytes(t, event, body, s).(StartIssue)
		if !ok || d.WorkflowID != id || !d.Input.PR || d.Input.IssueNumber != 90 || d.Event.Kind != kind || d.Event.IssueNumber != 90 {
			t.Fatalf("%s: %#v, want a start of %s's PR task with %s", event, d, id, kind)
		}
		return d
	}
	signal := func(event string, body []byte, kind workflows.EventKind) SignalIssue {
		t.Helper()
		d, ok := classifyBytes(t, event, body, s).(SignalIssue)
		if !ok || d.WorkflowID != id || d.Event.Kind != kind || d.Event.IssueNumber != 90 {
			t.Fatalf("%s: %#v, want a signal to %s with %s", event, d, id, kind)
		}
		return d
	}
	if d := start("issue_comment", payloads.IssueComment("created", ownCapRepo, view, mention), workflows.KindPRComment); !d.Event.Mention || d.Event.IssueURL != ownCapRepo.HTMLURL()+"/pull/90" {
		t.Errorf("mention: %#v", d.Event)
	}
	signal("issue_comment", payloads.IssueComment("created", ownCapRepo, view, plain), workflows.KindPRComment)
	signal("issue_comment", payloads.IssueComment("edited", ownCapRepo, view, mention), workflows.KindPRComment)
	if d := start("pull_request_review_comment", payloads.ReviewComment("created", ownCapRepo, pr, mention, "a.go", 3), workflows.KindReviewComment); d.Event.Comment.Path != "a.go" || d.Event.Comment.Line != 3 {
		t.Errorf("review comment: %#v", d.Event.Comment)
	}
	start("pull_request_review", payloads.Review(ownCapRepo, pr, mention, "commented"), workflows.KindReview)
	signal("pull_request_review", payloads.Review(ownCapRepo, pr, plain, "commented"), workflows.KindReview)

	if d := start("pull_request", payloads.PullRequest("opened", ownCapRepo, pr, neekolas), workflows.KindPROpened); d.Event.Pull == nil || d.Event.Pull.Action != "opened" || d.Event.Pull.Author.Login != neekolas.Login {
		t.Errorf("opened: %#v", d.Event.Pull)
	}
	start("pull_request", payloads.PullRequest("ready_for_review", ownCapRepo, pr, neekolas), workflows.KindPROpened)
	push := signal("pull_request", payloads.PullSynchronize(ownCapRepo, pr, "1111", "2222", neekolas), workflows.KindPushed)
	if got, want := push.Event.Pull.CompareURL, ownCapRepo.HTMLURL()+"/compare/1111...2222"; got != want {
		t.Errorf("compare URL = %q, want %q", got, want)
	}
	signal("pull_request", payloads.PullRequest("closed", ownCapRepo, pr, neekolas), workflows.KindClosed)

	draft := pr
	draft.Draft = true
	if sk, ok := classifyBytes(t, "pull_request", payloads.PullRequest("opened", ownCapRepo, draft, neekolas), s).(Skip); !ok || sk.Reason != "draft pull request" {
		t.Errorf("draft: %#v", sk)
	}
	agents := pr
	agents.Author = ownAgent
	if sk, ok := classifyBytes(t, "pull_request", payloads.PullRequest("opened", ownCapRepo, agents, neekolas), s).(Skip); !ok {
		t.Errorf("the agent's pull request: %#v", sk)
	}
	if sk, ok := classifyBytes(t, "pull_request", payloads.PullRequest("labeled", ownCapRepo, pr, neekolas), s).(Skip); !ok || sk.Reason != "unhandled event pull_request.labeled" {
		t.Errorf("labeled: %#v", sk)
	}
	// The agent's own pull request still relays to its issue.
	agentView := view
	agentView.Author = ownAgent
	if _, ok := classifyBytes(t, "issue_comment", payloads.IssueComment("created", ownCapRepo, agentView, mention), s).(StartPRRelay); !ok {
		t.Error("a comment on the agent's pull request is not relayed")
	}
}
