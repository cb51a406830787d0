package activities

import (
	"strings"
	"testing"
)

// TestPromptHeaders: the first message of an issue's and a pull request's
// chat start with their header lines, the title sanitised to one line and
// left out when empty.
func TestPromptHeaders(t *testing.T) {
	repo := Repo{Owner: "acme", Name: "widgets"}
	issue := IssuePrompt(repo, "https://github.com/acme/widgets/issues/42", 42, "alice", "Empty\ninput <!-- hidden -->")
	if want := "ISSUE_URL: https://github.com/acme/widgets/issues/42\nREPO_OWNER: acme\nREPO_NAME: widgets\nISSUE_NUMBER: 42\nISSUE_TITLE: "; !strings.HasPrefix(issue, want) {
		t.Errorf("issue prompt = %q", issue)
	}
	if strings.Contains(issue, "hidden") || !strings.Contains(issue, "\nREQUESTER: alice\n\nResolve this GitHub issue.") || !strings.Contains(issue, `"Fixes #42"`) {
		t.Errorf("issue prompt = %q", issue)
	}
	pr := PRPrompt(repo, "https://github.com/acme/widgets/pull/9", 9, "bob", "")
	if want := "PR_URL: https://github.com/acme/widgets/pull/9\nREPO_OWNER: acme\nREPO_NAME: widgets\nPR_NUMBER: 9\nREQUESTER: bob\n\nWork on this GitHub pull request of acme/widgets"; !strings.HasPrefix(pr, want) {
		t.Errorf("pr prompt = %q", pr)
	}
}
