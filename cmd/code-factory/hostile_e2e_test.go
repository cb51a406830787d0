package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// A 1 MiB comment of multi-byte text (no GitHub comment is that long) is
// accepted and reaches the agent cut at 256 KiB on a character boundary,
// saying where the whole comment is; nothing fails.
func TestE2EOneMebibyteUnicodeComment(t *testing.T) {
	s := newStack(t)
	s.seed()
	runID := s.assign()
	body := strings.Repeat("é👋", 1<<20/6) + " the end"
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(901, alice, body), "d-huge")
	eventually(t, "the huge comment at Coder", func() bool { return s.blocks(runID) == 1 })
	sent := strings.Join(s.world.Coder.Sent(runID), "")
	if !utf8.ValidString(sent) || len(sent) > 300<<10 || len(sent) < 256<<10 {
		t.Errorf("sent %d bytes (valid UTF-8: %v), want the body cut at 256 KiB", len(sent), utf8.ValidString(sent))
	}
	if !strings.Contains(sent, "[comment cut at 256 KiB of 1024 KiB: read it whole at https://github.com/acme/widgets/issues/42#issuecomment-901]") {
		t.Errorf("the cut is not explained: %q", sent[len(sent)-300:])
	}
	if st := s.statusText(); strings.Contains(st, "not delivered") {
		t.Errorf("status: %q", st)
	}
}

// A repository name of GitHub's maximum 100 characters, a unicode title
// and comment, a comment with a null user and one by GitHub's "ghost"
// (a deleted account) cause no panic: the task runs under a name Coder
// accepts, the unicode comment reaches the agent unchanged, the null-user
// delivery is skipped with its reason, and the ghost's comment is not
// forwarded and the status comment says why.
func TestE2EOddNamesAndUsers(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APITasks))
	s.seed()
	long := payloads.Repo{Owner: "acme", Name: strings.Repeat("long-name_", 10), ID: 77}
	is := payloads.Issue{Number: 7, Title: "Ünïcödé ‮ titel 🚀 中文", Author: bob, Assignees: []payloads.User{agentUser}}
	s.world.GitHub.SetIssue(long.Owner, long.Name, 7, "open", e2eAgent)
	s.mustPost(http.StatusAccepted, "issues", payloads.Issues("assigned", long, is, alice, agentUser), "d-long")
	eventually(t, "the long repository's task", func() bool {
		return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusOf(long.Owner, long.Name, 7), "Task is running")
	})
	created := s.world.Coder.Created()[0]
	if want, _ := workflows.TaskName(s.cfg.CoderTaskNamePrefix, long.Name, 7); created.Name != want || len(want) > workflows.MaxTaskNameLength {
		t.Errorf("task name %q, want %q (at most %d characters)", created.Name, want, workflows.MaxTaskNameLength)
	}
	text := "ça marche? 👍 ‮ مرحبا \u0301 e\u0301"
	s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", long, is, payloads.Comment{ID: 911, Body: text, Author: alice}), "d-unicode")
	eventually(t, "the unicode comment", func() bool { return len(s.world.Coder.Sent(created.ID)) == 1 })
	if got := s.world.Coder.Sent(created.ID)[0]; !strings.Contains(got, "ça marche? 👍") || !strings.Contains(got, "مرحبا") {
		t.Errorf("unicode comment arrived as %q", got)
	}

	reply := s.mustPost(http.StatusOK, "issue_comment", payloads.IssueComment("created", long, is, payloads.Comment{ID: 912, Body: "who am I", Author: payloads.User{}}), "d-null-user")
	var skipped struct{ Outcome, Reason string }
	if err := json.Unmarshal([]byte(reply), &skipped); err != nil || skipped.Outcome != "skipped" || skipped.Reason == "" {
		t.Errorf("null-user comment answered %q, want skipped with a reason", reply)
	}

	ghost := payloads.User{Login: "ghost", ID: 10137}
	s.world.GitHub.FailNext("GET", "/repos/acme/"+long.Name+"/collaborators/ghost/", http.StatusNotFound, 1)
	s.mustPost(http.StatusAccepted, "issue_comment", payloads.IssueComment("created", long, is, payloads.Comment{ID: 913, Body: "from beyond", Author: ghost}), "d-ghost")
	eventually(t, "the ghost's comment noted", func() bool { return strings.Contains(s.statusOf(long.Owner, long.Name, 7), "ghost") })
	if got := s.world.Coder.Sent(created.ID); len(got) != 1 {
		t.Errorf("Coder got %d inputs, want only the unicode comment", len(got))
	}
}
