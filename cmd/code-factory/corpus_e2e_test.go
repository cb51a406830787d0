package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/fixtures"
)

// The corpus layer: real deliveries captured by coder-action (about
// xmtplabs/coder-action#65, assigned by neekolas, GitHub id 65710, to
// xmtp-coder-agent), replayed through the whole service. It runs where
// ../shared/fixtures/github is present and skips, saying so, elsewhere.
const (
	capAgent    = "xmtp-coder-agent"
	capOwner    = "xmtplabs"
	capRepo     = "coder-action"
	capIssue    = 65
	capAssigner = "neekolas"
	capSenderID = 65710
)

// corpus reads a captured delivery, patched by edit when it is not nil.
func corpus(t testing.TB, rel string, edit func(m map[string]any)) []byte {
	t.Helper()
	b := fixtures.Read(t, rel)
	if edit == nil {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestE2ECapturedDeliveriesOfCoderAction(t *testing.T) {
	fixtures.Require(t)
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api), withAgent(capAgent))
		s.world.Coder.AddUser(capSenderID, capAssigner)
		s.world.GitHub.SetIssue(capOwner, capRepo, capIssue, "open", capAgent)
		s.mustPost(http.StatusAccepted, "issues", corpus(t, "webhooks/issues/assigned.captured-to-agent.json", nil), "c-assign")
		eventually(t, "the run", func() bool { return strings.HasPrefix(s.statusOf(capOwner, capRepo, capIssue), "Task is running: ") })
		run := s.world.Coder.Created()[0]
		if run.Owner != capAssigner || !strings.Contains(run.Input, "https://github.com/xmtplabs/coder-action/issues/65") {
			t.Fatalf("run = %+v, want one for neekolas with the issue URL", run)
		}
		s.mustPost(http.StatusAccepted, "issue_comment", corpus(t, "webhooks/issue_comment/created.captured-on-issue.json", nil), "c-comment")
		eventually(t, "the comment", func() bool { return len(s.world.Coder.Sent(run.ID)) == 1 })
		if sent := s.world.Coder.Sent(run.ID)[0]; !strings.Contains(sent, "[COMMENT]\nCan you also handle the edge case for empty inputs?\n[END COMMENT]") {
			t.Fatalf("sent = %q", sent)
		}

		// The agent's PR #64 closes issue #65: PR feedback and CI reach the run.
		s.world.GitHub.SetClosingIssues(capOwner, capRepo, 64, capIssue)
		s.world.GitHub.SetPullRequest(capOwner, capRepo, fakegithub.PullRequest{Number: 64, Author: capAgent, HeadSHA: "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016"})
		s.mustPost(http.StatusAccepted, "issue_comment", corpus(t, "webhooks/issue_comment/created.captured-on-agent-pr.json", nil), "c-pr-comment")
		s.mustPost(http.StatusAccepted, "pull_request_review_comment", corpus(t, "webhooks/pull_request_review_comment/created.captured-on-agent-pr.json", nil), "c-review-comment")
		s.mustPost(http.StatusOK, "pull_request_review", corpus(t, "webhooks/pull_request_review/submitted.captured-empty-body.json", nil), "c-empty-review")
		s.world.GitHub.SetRunJobs(capOwner, capRepo, 23526809052, fakegithub.Job{ID: 1, Name: "test", Conclusion: "failure"})
		s.world.GitHub.SetJobLog(1, "FAIL: TestEmptyInput\n")
		s.mustPost(http.StatusAccepted, "workflow_run", corpus(t, "webhooks/workflow_run/completed.captured-failure.json", nil), "c-ci")
		s.mustPost(http.StatusOK, "workflow_run", corpus(t, "webhooks/workflow_run/completed.captured-success.json", nil), "c-ci-ok")
		// Comments waiting together may go out as one input: count blocks.
		all := func() string { return strings.Join(s.world.Coder.Sent(run.ID), "\n") }
		eventually(t, "the PR comment, review comment and CI failure", func() bool {
			return strings.Count(all(), "New Comment on PR: ") == 2 && strings.Count(all(), "CI Check Failed on PR: ") == 1
		})
		if !strings.Contains(all(), "\nFile: ") {
			t.Fatalf("sent = %q, want the review comment's file", all())
		}

		closed := corpus(t, "webhooks/issues/closed.captured.json", func(m map[string]any) { m["issue"].(map[string]any)["number"] = capIssue })
		s.mustPost(http.StatusAccepted, "issues", closed, "c-close")
		eventually(t, "the run ended", func() bool { return strings.HasPrefix(s.statusOf(capOwner, capRepo, capIssue), "Task completed.") })
		if n := s.world.Coder.Ends(run.ID); n != 1 || len(s.world.Coder.Created()) != 1 {
			t.Fatalf("ends = %d, runs = %d; want one run, ended once", n, len(s.world.Coder.Created()))
		}
	})
}
