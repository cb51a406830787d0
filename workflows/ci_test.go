package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

func logLines(job string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s line %03d\n", job, i)
	}
	return b.String()
}

func ciEvent(delivery string, runID int64, sha string) IssueEvent {
	e := ev(KindCIFailure, delivery)
	e.CIFailure = &CIFailure{
		RunID: runID, WorkflowName: "CI", WorkflowPath: ".github/workflows/ci.yml",
		RunURL:  fmt.Sprintf("https://github.com/acme/widgets/actions/runs/%d", runID),
		HeadSHA: sha, PRNumber: 77, PRURL: "https://github.com/acme/widgets/pull/77",
	}
	return e
}

func TestCIFailureIsSentWithFailedJobsLogTails(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetRunJobs(tOwner, tRepo, 1001,
			fakegithub.Job{ID: 11, Name: "build", Conclusion: "failure"},
			fakegithub.Job{ID: 12, Name: "lint", Conclusion: "success"},
			fakegithub.Job{ID: 13, Name: "test", Conclusion: "failure"})
		h.world.GitHub.SetJobLog(11, logLines("build", 150))
		h.world.GitHub.SetJobLog(13, logLines("test", 20))
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, ciEvent("d-run", 1001, "abc"))
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()
		sent := h.world.Coder.Sent(h.onlyTask().ID)
		if len(sent) != 1 {
			t.Fatalf("inputs sent = %d, want 1", len(sent))
		}
		msg := sent[0]
		for _, want := range []string{
			"CI Check Failed on PR: https://github.com/acme/widgets/pull/77\nWorkflow: CI\nRun: https://github.com/acme/widgets/actions/runs/1001\nFailed Jobs: build, test\n",
			".github/workflows/ci.yml",
			"## build\n", "build line 150", "build line 051",
			"## test\n", "test line 001", "test line 020",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q", want)
			}
		}
		if strings.Contains(msg, "build line 050") || strings.Contains(msg, "lint") {
			t.Errorf("message has more than the last 100 lines or a passing job:\n%s", msg)
		}
	})
}

func TestCIFailuresOfSameHeadCollapseIntoNewest(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		for _, run := range []int64{2001, 2002} {
			h.world.GitHub.SetRunJobs(tOwner, tRepo, run, fakegithub.Job{ID: run * 10, Name: fmt.Sprintf("job-of-%d", run), Conclusion: "failure"})
			h.world.GitHub.SetJobLog(run*10, "boom\n")
		}
		h.at(0, assigned("d-assign"))
		h.busyUntilReleased(30 * time.Second)
		h.at(time.Minute, ciEvent("d-run1", 2001, "abc"))
		h.at(time.Minute, ciEvent("d-run2", 2002, "abc"))
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()
		sent := h.world.Coder.Sent(h.onlyTask().ID)
		if len(sent) != 1 || !strings.Contains(sent[0], "runs/2002") {
			t.Fatalf("sent = %q, want only the newer run 2002", sent)
		}
	})
}

func TestReviewCommentCarriesFileAndUsesReviewReaction(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		e := comment("d-rc", 701, "bob", "off by one here")
		e.Kind = KindReviewComment
		e.Comment.PRNumber = 77
		e.Comment.Path = "src/main.go"
		e.Comment.Line = 12
		e.Comment.URL = "https://github.com/acme/widgets/pull/77#discussion_r701"
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, e)
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()
		sent := h.world.Coder.Sent(h.onlyTask().ID)
		if len(sent) != 1 || !strings.HasPrefix(sent[0], "New Comment on PR: https://github.com/acme/widgets/pull/77#discussion_r701\nCommenter: bob\nTimestamp: 2026-11-22T10:00:00Z\nFile: src/main.go:12\n\n") {
			t.Fatalf("sent = %q", sent)
		}
		r := h.world.GitHub.Reactions()
		if len(r) != 1 || r[0].Kind != "review" || r[0].CommentID != 701 {
			t.Fatalf("reactions = %+v, want one on the review comment", r)
		}
	})
}
