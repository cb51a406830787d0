package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

// The events carried into the next run stay small however many big
// comments are queued: the workflow's repository is left out of each, the
// biggest bodies are left out (to be read back), and both come back.
func TestCompactPendingKeepsTheCarrySmall(t *testing.T) {
	w := &issueWorkflow{in: IssueWorkflowInput{Repo: Repo{Owner: tOwner, Name: tRepo, ID: tRepoID}, IssueNumber: tIssue}}
	big := strings.Repeat("x", 60<<10)
	var pending []IssueEvent
	for i := range 300 {
		pending = append(pending, comment(fmt.Sprintf("d-%d", i), int64(700+i), "bob", fmt.Sprintf("%03d %s", i, big)))
	}
	pending = append(pending, comment("d-small", 999, "bob", "short and kept"))
	out := w.compactPending(pending)
	if size := jsonSize(out); size >= 1<<20 {
		t.Fatalf("carried events are %d bytes, want under 1 MiB", size)
	}
	if len(out) != len(pending) {
		t.Fatalf("carried %d events of %d", len(out), len(pending))
	}
	last := out[len(out)-1]
	if last.Comment.Elided || last.Comment.Body != "short and kept" || last.Repo != (Repo{}) {
		t.Fatalf("small comment carried as %+v", last)
	}
	if !out[0].Comment.Elided || out[0].Comment.Body != "" || out[0].Comment.ID != 700 {
		t.Fatalf("big comment carried as %+v", out[0].Comment)
	}
	if pending[0].Comment.Body == "" {
		t.Fatal("compacting changed the events it was given")
	}
	w.restorePending(out)
	if out[0].Repo != w.in.Repo {
		t.Fatalf("repository not restored: %+v", out[0].Repo)
	}
}

// A carried comment whose body was left out is read back from GitHub when
// it is sent; one deleted meanwhile is noted on the status comment.
func TestElidedCommentBodyIsReadBack(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.at(0, assigned("d-assign"))
	h.world.GitHub.PutComment(tOwner, tRepo, tIssue, 501, "bob", "the body, read back")
	kept := comment("d-kept", 501, "bob", "")
	kept.Comment.Elided = true
	gone := comment("d-gone", 502, "bob", "")
	gone.Comment.Elided = true
	h.at(time.Minute, kept)
	h.at(time.Minute+time.Millisecond, gone)
	h.at(2*time.Minute, closed("d-close"))
	h.mustRun()
	sent := strings.Join(h.world.Coder.Sent(h.onlyTask().ID), "\n")
	if !strings.Contains(sent, "[COMMENT]\nthe body, read back\n[END COMMENT]") || strings.Count(sent, "New Comment on") != 1 {
		t.Fatalf("sent %q, want the read-back body only", sent)
	}
	if st := h.status(); !strings.Contains(st, "could not be read back") {
		t.Fatalf("status %q lacks the note on the deleted comment", st)
	}
}
