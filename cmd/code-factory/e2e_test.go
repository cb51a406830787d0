package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// eachAPI runs f once per fake Coder API, as subtests "tasks" and "chats".
func eachAPI(t *testing.T, f func(t *testing.T, api fakecoder.API)) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) { f(t, api) })
	}
}

func TestE2EAssignCommentClose(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		reply := s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-assign")
		if !strings.Contains(reply, `"workflow_id":"`+s.cfg.CoderTaskNamePrefix+`-acme/widgets-42"`) {
			t.Fatalf("202 body = %s, want the issue workflow id", reply)
		}
		eventually(t, "the run to start", func() bool { return strings.HasPrefix(s.statusText(), "Task is running: ") })
		created := s.world.Coder.Created()
		if len(created) != 1 || created[0].Owner != alice.Login || !strings.Contains(created[0].Input, "https://github.com/acme/widgets/issues/42") {
			t.Fatalf("created = %+v, want one run for alice with the issue URL", created)
		}
		run := created[0]
		switch api {
		case fakecoder.APITasks:
			if run.Kind != fakecoder.KindTask || run.Name != s.cfg.CoderTaskNamePrefix+"-widgets-42" {
				t.Fatalf("run = %+v, want the task %s-widgets-42", run, s.cfg.CoderTaskNamePrefix)
			}
		case fakecoder.APIChats:
			if run.Kind != fakecoder.KindChat || run.Labels["code-factory/repo-id"] != "4242" || run.Labels["code-factory/issue"] != "42" {
				t.Fatalf("run = %+v, want a chat labelled with the repository and issue", run)
			}
			if want := "Task is running: " + s.world.Coder.URL() + "/agents/" + run.ID; s.statusText() != want {
				t.Fatalf("status = %q, want the chat's link %q", s.statusText(), want)
			}
		}

		// Three comments reach the run in order, each acknowledged with eyes.
		for i, text := range []string{"first: handle empty input", "second: and nil", "third: add a test"} {
			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(int64(5001+i), alice, text), "d-comment-"+text[:5])
			eventually(t, "comment "+text[:5]+" sent", func() bool { return s.blocks(run.ID) == i+1 })
		}
		sent := strings.Join(s.world.Coder.Sent(run.ID), "\n")
		if !strings.HasPrefix(sent, "New Comment on Issue: https://github.com/acme/widgets/issues/42#issuecomment-5001\nCommenter: alice\n") ||
			strings.Index(sent, "first") > strings.Index(sent, "second") || strings.Index(sent, "second") > strings.Index(sent, "third") ||
			!strings.Contains(sent, "[COMMENT]\nthird: add a test\n[END COMMENT]") {
			t.Fatalf("sent = %q, want the three comments in coder-action's format, in order", sent)
		}
		// The reactions go out beside the sends, so the last may land after
		// its send.
		eventually(t, "three reactions", func() bool { return len(s.world.GitHub.Reactions()) >= 3 })
		if r := s.world.GitHub.Reactions(); len(r) != 3 || r[0].Content != "eyes" || r[0].CommentID != 5001 {
			t.Fatalf("reactions = %+v, want eyes on each comment", r)
		}

		s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-close")
		eventually(t, "the run ended", func() bool { return strings.HasPrefix(s.statusText(), "Task completed.") })
		if n := s.world.Coder.Ends(run.ID); n != 1 {
			t.Fatalf("deletes/archives = %d, want 1", n)
		}
		if api == fakecoder.APIChats && !strings.Contains(s.statusText(), "Cost: $") {
			t.Fatalf("final status = %q, want the chat's cost", s.statusText())
		}
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want 1", n)
		}
		// The issue's workflow is over: a late comment is skipped, not queued.
		s.waitClosed(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
		_, b := s.deliverBytes("issue_comment", commentBody(5009, alice, "late"), "d-late")
		if !strings.Contains(b, "no task for this issue") {
			t.Fatalf("late comment answered %s, want a skip", b)
		}
	})
}

func TestE2ERedeliveryCreatesOneRunAndSendsOnce(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-assign")
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "hello"), "d-comment")
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "hello"), "d-comment")
		// A second, distinct delivery after the redeliveries proves they were dropped.
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5002, alice, "again"), "d-comment-2")
		eventually(t, "two comments sent", func() bool { return s.blocks(runID) >= 2 })
		if n := s.blocks(runID); n != 2 {
			t.Fatalf("comments sent = %d, want 2 (the redelivery dropped)", n)
		}
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want 1", n)
		}
	})
}

func TestE2EAgentsOwnCommentIsSkipped(t *testing.T) {
	s := newStack(t)
	s.seed()
	runID := s.assign()
	code, reply := s.deliverBytes("issue_comment", commentBody(5001, agentUser, "I opened a PR"), "d-own")
	if code != http.StatusOK || !strings.Contains(reply, "skipped") {
		t.Fatalf("agent's comment answered %d %s, want 200 skipped", code, reply)
	}
	if n := len(s.world.Coder.Sent(runID)); n != 0 {
		t.Fatalf("sends = %d, want 0", n)
	}
}

func TestE2EWorkerRestartLosesNothing(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		s.worker.Stop()
		// With no worker running, the delivery is still acknowledged: the signal is persisted.
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "while down"), "d-while-down")
		s.startWorker()
		eventually(t, "the comment sent after the restart", func() bool { return s.blocks(runID) == 1 })
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want 1 after the restart", n)
		}
	})
}

// agentPR is the agent's pull request #64, which closes issue 42.
func agentPR() payloads.PR {
	return payloads.PR{Number: 64, Author: agentUser, HeadSHA: "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016", HeadRef: "fix-42"}
}

func TestE2EPullRequestFeedbackAndCIReachTheIssuesRun(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed()
		runID := s.assign()
		pr := agentPR()
		s.world.GitHub.SetClosingIssues(e2eRepo.Owner, e2eRepo.Name, pr.Number, e2eIssue)
		s.world.GitHub.SetPullRequest(e2eRepo.Owner, e2eRepo.Name, fakegithub.PullRequest{Number: pr.Number, Author: e2eAgent, HeadSHA: pr.HeadSHA})
		prView := payloads.Issue{Number: pr.Number, Author: agentUser, PullRequest: true}
		s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", e2eRepo, prView, payloads.Comment{ID: 6001, Body: "please fix the naming", Author: alice}), "d-pr-comment")
		eventually(t, "the PR comment at the issue's run", func() bool { return len(s.world.Coder.Sent(runID)) == 1 })
		if sent := s.world.Coder.Sent(runID)[0]; !strings.HasPrefix(sent, "New Comment on PR: ") || !strings.Contains(sent, "please fix the naming") {
			t.Fatalf("sent = %q", sent)
		}
		s.mustPost(http.StatusAccepted, "pull_request_review_comment", payloads.ReviewComment("created", e2eRepo, pr, payloads.Comment{ID: 6002, Body: "off by one", Author: alice}, "src/widget.go", 12), "d-review-comment")
		eventually(t, "the review comment", func() bool { return len(s.world.Coder.Sent(runID)) == 2 })
		if sent := s.world.Coder.Sent(runID)[1]; !strings.Contains(sent, "\nFile: src/widget.go:12\n") {
			t.Fatalf("review comment sent without File: %q", sent)
		}
		s.mustPost(http.StatusOK, "pull_request_review", payloads.Review(e2eRepo, pr, payloads.Comment{ID: 6003, Author: alice}, "approved"), "d-empty-review")

		s.world.GitHub.SetRunJobs(e2eRepo.Owner, e2eRepo.Name, 7001, fakegithub.Job{ID: 1, Name: "test", Conclusion: "failure"})
		s.world.GitHub.SetJobLog(1, "FAIL: TestEmptyInput\n")
		failed := payloads.Run{ID: 7001, Name: "CI", Path: ".github/workflows/ci.yml", HeadSHA: pr.HeadSHA, HeadBranch: "fix-42", Conclusion: "failure", PRs: []int{64}, Actor: agentUser}
		s.mustPost(http.StatusAccepted, "workflow_run", payloads.WorkflowRun(e2eRepo, failed), "d-ci")
		eventually(t, "the CI failure", func() bool { return len(s.world.Coder.Sent(runID)) == 3 })
		if sent := s.world.Coder.Sent(runID)[2]; !strings.HasPrefix(sent, "CI Check Failed on PR: ") || !strings.Contains(sent, "## test\nFAIL: TestEmptyInput") {
			t.Fatalf("CI relay sent %q", sent)
		}
		passed := failed
		passed.ID, passed.Conclusion = 7002, "success"
		s.mustPost(http.StatusOK, "workflow_run", payloads.WorkflowRun(e2eRepo, passed), "d-ci-ok")
		// No run was ever keyed on the PR number.
		for _, c := range s.world.Coder.Created() {
			if strings.HasSuffix(c.Name, "-64") || c.Labels["code-factory/issue"] == "64" {
				t.Fatalf("a run was keyed on the PR number: %+v", c)
			}
		}
	})
}

func TestE2ETemporalUnreachableAnswers503(t *testing.T) {
	s := newStack(t)
	s.cfg.TemporalAddress = "127.0.0.1:1"
	dead, err := dialLazy(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	h, err := newIngress(t.Context(), s.cfg, dead, s.logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.ingress.Config.Handler = h
	code, body := s.deliverBytes("issues", assignedBody(), "d-503")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("status %d (%s), want 503 so GitHub can redeliver", code, body)
	}
}
