package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/fixtures"
	"github.com/code-factory/code-factory/workflows"
)

// The captured deliveries are about xmtplabs/coder-action#65, assigned by
// neekolas (GitHub id 65710) to xmtp-coder-agent.
const (
	capOwner    = "xmtplabs"
	capRepo     = "coder-action"
	capIssue    = 65
	capAssigner = "neekolas"
	capSenderID = 65710
	capComment  = "Can you also handle the edge case for empty inputs?"
)

// seedCaptured makes the fakes agree with the captured deliveries.
func (s *stack) seedCaptured() {
	s.world.Coder.AddUser(capSenderID, capAssigner)
	s.world.GitHub.SetIssue(capOwner, capRepo, capIssue, "open", e2eAgent)
}

// assign delivers the captured assignment and waits for the running task.
func (s *stack) assign() string {
	s.t.Helper()
	s.mustDeliver(http.StatusAccepted, "issues", "webhooks/issues/assigned.captured-to-agent.json", "d-assign")
	eventually(s.t, "the task to be created and running", func() bool {
		return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusText(), "Task is running: ")
	})
	return s.world.Coder.Created()[0].TaskID
}

// statusText is the visible text of the issue's status comment, "" if none.
func (s *stack) statusText() string {
	for _, c := range s.world.GitHub.Comments(capOwner, capRepo, capIssue) {
		if rest, ok := strings.CutPrefix(c.Body, activities.StatusCommentMarker+"\n"); ok {
			return rest
		}
	}
	return ""
}

func TestE2EAssignCommentClose(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	body := s.mustDeliver(http.StatusAccepted, "issues", "webhooks/issues/assigned.captured-to-agent.json", "d-assign")
	if !strings.Contains(body, `"workflow_id":"`+s.cfg.CoderTaskNamePrefix+`-xmtplabs/coder-action-65"`) {
		t.Fatalf("202 body = %s, want the issue workflow id", body)
	}
	eventually(t, "the task to run", func() bool { return strings.HasPrefix(s.statusText(), "Task is running: ") })
	created := s.world.Coder.Created()
	if len(created) != 1 || created[0].Owner != capAssigner || created[0].Body.Input != "https://github.com/xmtplabs/coder-action/issues/65" {
		t.Fatalf("created = %+v, want one task for neekolas with the issue URL", created)
	}
	if name := created[0].Body.Name; name != s.cfg.CoderTaskNamePrefix+"-coder-action-65" {
		t.Fatalf("task name = %q", name)
	}
	taskID := created[0].TaskID

	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-comment")
	eventually(t, "the comment to reach the task", func() bool { return len(s.world.Coder.Sent(taskID)) == 1 })
	sent := s.world.Coder.Sent(taskID)[0]
	if !strings.HasPrefix(sent, "New Comment on Issue: https://github.com/xmtplabs/coder-action/issues/65#issuecomment-4123912472\nCommenter: neekolas\n") ||
		!strings.Contains(sent, "[COMMENT]\n"+capComment+"\n[END COMMENT]") {
		t.Fatalf("sent = %q", sent)
	}
	if r := s.world.GitHub.Reactions(); len(r) != 1 || r[0].Content != "eyes" || r[0].CommentID != 4123912472 {
		t.Fatalf("reactions = %+v, want eyes on the comment", r)
	}

	closeBody := withNumber(t, "webhooks/issues/closed.captured.json", capIssue)
	if code, b := s.deliverBytes("issues", closeBody, "d-close"); code != http.StatusAccepted {
		t.Fatalf("close: %d %s", code, b)
	}
	eventually(t, "the task to be deleted", func() bool { return s.statusText() == "Task completed." })
	if n := s.world.Coder.Count("DELETE", "/api/v2/tasks/"+capAssigner+"/"+taskID); n != 1 {
		t.Fatalf("DELETE calls = %d, want 1", n)
	}
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Fatalf("tasks created = %d, want 1", n)
	}
	// The issue's workflow is over: a late comment is skipped, not queued.
	s.waitClosed(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, capOwner, capRepo, capIssue))
	_, b := s.deliver("issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-late")
	if !strings.Contains(b, "no task for this issue") {
		t.Fatalf("late comment answered %s, want a skip", b)
	}
}

func TestE2ERedeliveryCreatesOneTaskAndSendsOnce(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	s.mustDeliver(http.StatusAccepted, "issues", "webhooks/issues/assigned.captured-to-agent.json", "d-assign")
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-comment")
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-comment")
	// A second, distinct delivery after the redeliveries proves they were dropped.
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-comment-2")
	// Comments waiting together may go out as one input; count the blocks.
	blocks := func() int {
		return strings.Count(strings.Join(s.world.Coder.Sent(taskID), "\n"), "New Comment on Issue:")
	}
	eventually(t, "two comments sent", func() bool { return blocks() >= 2 })
	if n := blocks(); n != 2 {
		t.Fatalf("comments sent = %d, want 2 (the redelivery dropped)", n)
	}
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Fatalf("tasks created = %d, want 1", n)
	}
}

func TestE2EAgentsOwnCommentIsSkipped(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	// A comment whose author is the agent itself is skipped by the ingress.
	m := withAuthor(t, "webhooks/issue_comment/created.captured-on-issue.json", e2eAgent)
	code, reply := s.deliverBytes("issue_comment", m, "d-own")
	if code != http.StatusOK || !strings.Contains(reply, "skipped") {
		t.Fatalf("agent's comment answered %d %s, want 200 skipped", code, reply)
	}
	if n := len(s.world.Coder.Sent(taskID)); n != 0 {
		t.Fatalf("sends = %d, want 0", n)
	}
}

func TestE2EWorkerRestartLosesNothing(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	s.worker.Stop()
	// With no worker running, the delivery is still acknowledged: the signal is persisted.
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", "d-while-down")
	s.startWorker()
	eventually(t, "the comment sent after the restart", func() bool { return len(s.world.Coder.Sent(taskID)) == 1 })
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Fatalf("tasks created = %d, want 1 after the restart", n)
	}
}

func TestE2EPullRequestFeedbackReachesIssueTask(t *testing.T) {
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	// The agent's PR #64 closes issue #65.
	s.world.GitHub.SetClosingIssues(capOwner, capRepo, 64, capIssue)
	s.world.GitHub.SetPullRequest(capOwner, capRepo, fakegithub.PullRequest{Number: 64, Author: e2eAgent, HeadSHA: "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016"})
	s.mustDeliver(http.StatusAccepted, "issue_comment", "webhooks/issue_comment/created.captured-on-agent-pr.json", "d-pr-comment")
	eventually(t, "the PR comment at the issue's task", func() bool { return len(s.world.Coder.Sent(taskID)) == 1 })
	if sent := s.world.Coder.Sent(taskID)[0]; !strings.HasPrefix(sent, "New Comment on PR: ") || !strings.Contains(sent, "please fix the naming") {
		t.Fatalf("sent = %q", sent)
	}
	s.mustDeliver(http.StatusAccepted, "pull_request_review_comment", "webhooks/pull_request_review_comment/created.captured-on-agent-pr.json", "d-review-comment")
	eventually(t, "the review comment", func() bool { return len(s.world.Coder.Sent(taskID)) == 2 })
	if sent := s.world.Coder.Sent(taskID)[1]; !strings.Contains(sent, "\nFile: ") {
		t.Fatalf("review comment sent without File: %q", sent)
	}
	s.mustDeliver(http.StatusOK, "pull_request_review", "webhooks/pull_request_review/submitted.captured-empty-body.json", "d-empty-review")

	s.world.GitHub.SetRunJobs(capOwner, capRepo, 23526809052, fakegithub.Job{ID: 1, Name: "test", Conclusion: "failure"})
	s.world.GitHub.SetJobLog(1, "FAIL: TestEmptyInput\n")
	s.mustDeliver(http.StatusAccepted, "workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "d-ci")
	eventually(t, "the CI failure", func() bool { return len(s.world.Coder.Sent(taskID)) == 3 })
	if sent := s.world.Coder.Sent(taskID)[2]; !strings.HasPrefix(sent, "CI Check Failed on PR: ") || !strings.Contains(sent, "## test\nFAIL: TestEmptyInput") {
		t.Fatalf("CI relay sent %q", sent)
	}
	s.mustDeliver(http.StatusOK, "workflow_run", "webhooks/workflow_run/completed.captured-success.json", "d-ci-ok")
	// No task was ever keyed on the PR number.
	for _, c := range s.world.Coder.Created() {
		if strings.HasSuffix(c.Body.Name, "-64") {
			t.Fatalf("a task was keyed on the PR number: %q", c.Body.Name)
		}
	}
}

func TestE2ETemporalUnreachableAnswers503(t *testing.T) {
	s := newStack(t)
	s.cfg.TemporalAddress = "127.0.0.1:1"
	dead, err := dialLazy(s.cfg, s.logger)
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	h, err := newIngress(t.Context(), s.cfg, dead, s.logger)
	if err != nil {
		t.Fatal(err)
	}
	s.ingress.Config.Handler = h
	code, body := s.deliver("issues", "webhooks/issues/assigned.captured-to-agent.json", "d-503")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("status %d (%s), want 503 so GitHub can redeliver", code, body)
	}
}

// withAuthor returns a copy of a comment fixture with another author.
func withAuthor(t *testing.T, fixture, login string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixtures.Read(t, fixture), &m); err != nil {
		t.Fatal(err)
	}
	m["comment"].(map[string]any)["user"].(map[string]any)["login"] = login
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
