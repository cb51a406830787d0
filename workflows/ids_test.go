package workflows

import (
	"regexp"
	"strings"
	"testing"
)

func TestIssueWorkflowIDRoundTrip(t *testing.T) {
	cases := []struct {
		prefix, owner, repo string
		issue               int
		want                string
	}{
		{"gh", "acme", "widgets", 42, "gh-acme/widgets-42"},
		{"gh", "xmtplabs", "coder-action", 7, "gh-xmtplabs/coder-action-7"},
		{"cf-prod", "a-b", "my-repo-2", 1, "cf-prod-a-b/my-repo-2-1"},
	}
	for _, c := range cases {
		id := IssueWorkflowID(c.prefix, c.owner, c.repo, c.issue)
		if id != c.want {
			t.Fatalf("IssueWorkflowID = %q, want %q", id, c.want)
		}
		owner, repo, issue, err := ParseIssueWorkflowID(c.prefix, id)
		if err != nil || owner != c.owner || repo != c.repo || issue != c.issue {
			t.Fatalf("ParseIssueWorkflowID(%q) = %q %q %d %v", id, owner, repo, issue, err)
		}
	}
}

func TestParseIssueWorkflowIDRejects(t *testing.T) {
	for _, id := range []string{"", "gh-", "gh-acme", "gh-acme/widgets", "gh-acme/widgets-x", "gh-acme/widgets-0", "xx-acme/widgets-1", "gh-/widgets-1", "gh-acme/a/b-1"} {
		if _, _, _, err := ParseIssueWorkflowID("gh", id); err == nil {
			t.Errorf("ParseIssueWorkflowID(%q) accepted", id)
		}
	}
}

func TestRelayAndConfigIDsRoundTrip(t *testing.T) {
	id := RelayWorkflowID("gh", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	if id != "gh-relay-72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Fatalf("RelayWorkflowID = %q", id)
	}
	if d, err := ParseRelayWorkflowID("gh", id); err != nil || d != "72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Fatalf("ParseRelayWorkflowID = %q %v", d, err)
	}
	if _, err := ParseRelayWorkflowID("gh", "gh-acme/widgets-1"); err == nil {
		t.Fatal("ParseRelayWorkflowID accepted an issue id")
	}
	cid := ConfigWorkflowID("gh", "acme", "widgets")
	if cid != "gh-config-acme/widgets" {
		t.Fatalf("ConfigWorkflowID = %q", cid)
	}
	if o, r, err := ParseConfigWorkflowID("gh", cid); err != nil || o != "acme" || r != "widgets" {
		t.Fatalf("ParseConfigWorkflowID = %q %q %v", o, r, err)
	}
	if _, _, err := ParseConfigWorkflowID("gh", "gh-config-acme"); err == nil {
		t.Fatal("ParseConfigWorkflowID accepted a missing repo")
	}
}

func TestTaskNameMatchesCoderAction(t *testing.T) {
	cases := []struct {
		prefix, repo string
		issue        int
		want         string
	}{
		{"gh", "widgets", 42, "gh-widgets-42"},
		{"gh", "coder-action", 123, "gh-coder-action-123"},
		// 32 - len("gh") - len("7") - 2 = 27 characters of repo.
		{"gh", "a-very-long-repository-name-that-goes-on", 7, "gh-a-very-long-repository-name-7"},
		// The cut lands right after a dash: trailing dashes are trimmed.
		{"gh", "abcdefghijklmnopqrstuvwxyz-tail", 7, "gh-abcdefghijklmnopqrstuvwxyz-7"},
		// Coder accepts letters and digits joined by single dashes only.
		{"gh", "my_repo.js", 3, "gh-my-repo-js-3"},
		{"gh", "a--b", 3, "gh-a-b-3"},
		{"gh", ".github", 3, "gh-github-3"},
	}
	for _, c := range cases {
		got, err := TaskName(c.prefix, c.repo, c.issue)
		if err != nil || got != c.want {
			t.Errorf("TaskName(%q,%q,%d) = %q, %v; want %q", c.prefix, c.repo, c.issue, got, err, c.want)
		}
		if len(got) > MaxTaskNameLength {
			t.Errorf("TaskName %q is longer than %d", got, MaxTaskNameLength)
		}
	}
	if _, err := TaskName(strings.Repeat("p", 28), "r", 12); err == nil {
		t.Error("TaskName accepted a prefix that leaves no room")
	}
}

func TestScheduleIDRoundTrip(t *testing.T) {
	id := ScheduleID("gh", "acme", "my-repo", "weekly-deps")
	if id != "gh-schedule-acme/my-repo-weekly-deps" {
		t.Fatalf("ScheduleID = %q", id)
	}
	if job, err := ScheduleJobName("gh", "acme", "my-repo", id); err != nil || job != "weekly-deps" {
		t.Fatalf("ScheduleJobName = %q, %v", job, err)
	}
	if _, err := ScheduleJobName("gh", "acme", "other", id); err == nil {
		t.Fatal("ScheduleJobName accepted another repository's schedule")
	}
}

func TestFailedRunWorkflowIDRoundTrip(t *testing.T) {
	id := FailedRunWorkflowID("gh", "acme", "widgets", "abc123", "ci.yml", "release/v1")
	if id != "gh-failedrun-acme/widgets/abc123/ci.yml/release/v1" {
		t.Fatalf("FailedRunWorkflowID = %q", id)
	}
	o, r, sha, f, b, err := ParseFailedRunWorkflowID("gh", id)
	if err != nil || o != "acme" || r != "widgets" || sha != "abc123" || f != "ci.yml" || b != "release/v1" {
		t.Fatalf("ParseFailedRunWorkflowID = %q %q %q %q %q %v", o, r, sha, f, b, err)
	}
	if _, _, _, _, _, err := ParseFailedRunWorkflowID("gh", "gh-failedrun-acme/widgets/abc"); err == nil {
		t.Fatal("accepted a short id")
	}
}

// coderName is Coder's rule for task names: letters and digits joined by single dashes.
var coderName = regexp.MustCompile(`^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$`)

func TestHashedTaskNamesFitCoder(t *testing.T) {
	for _, prefix := range []string{"gh", strings.Repeat("p", 20)} {
		for _, kind := range []string{"job", "fix"} {
			name := hashedTaskName(prefix, kind, "gh-schedule-acme/widgets-nightly/run-1")
			if len(name) > MaxTaskNameLength || !coderName.MatchString(name) || !strings.HasPrefix(name, prefix+"-"+kind+"-") {
				t.Errorf("hashedTaskName(%q, %q) = %q (%d chars)", prefix, kind, name, len(name))
			}
			if name == hashedTaskName(prefix, kind, "another key") {
				t.Errorf("hashedTaskName(%q, %q) does not depend on the key", prefix, kind)
			}
		}
	}
}

func TestPRRelayIDRoundTripsAndNeverIsAnIssueID(t *testing.T) {
	id := PRRelayWorkflowID("gh", "acme", "my.repo", 77)
	if id != "gh-acme/my.repo/pull/77" {
		t.Fatalf("PRRelayWorkflowID = %q", id)
	}
	if o, r, n, err := ParsePRRelayWorkflowID("gh", id); err != nil || o != "acme" || r != "my.repo" || n != 77 {
		t.Fatalf("ParsePRRelayWorkflowID = %q %q %d %v", o, r, n, err)
	}
	if _, _, _, err := ParseIssueWorkflowID("gh", id); err == nil {
		t.Fatal("a pull request relay id parses as an issue workflow id")
	}
	for _, bad := range []string{"gh-acme/widgets-77", "gh-acme/widgets/pull/0", "gh-acme/widgets/issues/7", "xx-acme/widgets/pull/7"} {
		if _, _, _, err := ParsePRRelayWorkflowID("gh", bad); err == nil {
			t.Errorf("ParsePRRelayWorkflowID accepted %q", bad)
		}
	}
}

// A repository name of punctuation only still makes a name Coder accepts
// (a crash FuzzIDs found: "_" made "gh--7").
func TestTaskNameOfPunctuationOnlyRepo(t *testing.T) {
	for _, repo := range []string{"_", "---", ".", "_._"} {
		if got, err := TaskName("gh", repo, 7); err != nil || got != "gh-repo-7" {
			t.Errorf("TaskName(%q) = %q, %v", repo, got, err)
		}
	}
}
