package ingress

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fixtures"
	"github.com/code-factory/code-factory/workflows"
)

// fixtureCase is the expected decision of one fixture under one agent login.
type fixtureCase struct {
	file  string // under webhooks/
	agent string
	bot   string
	// want is "skip", "start-issue", "signal-issue", "relay" or "config".
	want string
	// reason is the Skip reason, or the workflow id of a dispatch.
	reason string
	kind   workflows.EventKind
}

// octo is the agent login that matches the octokit examples' user.
const octo = "Codertocat"

// other is an agent login no fixture mentions.
const other = "not-the-agent"

var fixtureCases = []fixtureCase{
	// Captured real deliveries (agent xmtp-coder-agent).
	{"issues/assigned.captured-to-agent.json", capturedAgent, "", "start-issue", "gh-xmtplabs/coder-action-65", workflows.KindAssigned},
	{"issues/closed.captured.json", capturedAgent, "", "signal-issue", "gh-xmtplabs/coder-action-63", workflows.KindClosed},
	{"issue_comment/created.captured-on-issue.json", capturedAgent, "", "signal-issue", "gh-xmtplabs/coder-action-65", workflows.KindIssueComment},
	{"issue_comment/created.captured-on-issue.json", capturedAgent, "neekolas", "skip", "comment by the agent/bot", ""},
	{"issue_comment/created.captured-on-agent-pr.json", capturedAgent, "", "pr-relay", "gh-xmtplabs/coder-action/pull/64", workflows.KindPRComment},
	// On a pull request not by the agent, comments go to the pull request's own task.
	{"issue_comment/created.captured-on-agent-pr.json", "someone-else", "", "signal-issue", "gh-xmtplabs/coder-action-64", workflows.KindPRComment},
	{"pull_request_review_comment/created.captured-on-agent-pr.json", capturedAgent, "", "pr-relay", "gh-xmtplabs/coder-action/pull/64", workflows.KindReviewComment},
	{"pull_request_review_comment/created.captured-on-agent-pr.json", "neekolas", "", "skip", "comment by the agent/bot", ""},
	{"pull_request_review_comment/created.captured-on-agent-pr.json", "someone-else", "", "signal-issue", "gh-xmtplabs/coder-action-64", workflows.KindReviewComment},
	{"pull_request_review/submitted.captured-with-body.json", capturedAgent, "", "pr-relay", "gh-xmtplabs/coder-action/pull/64", workflows.KindReview},
	{"pull_request_review/submitted.captured-with-body.json", capturedAgent, "NEEKOLAS", "skip", "review by the agent/bot", ""},
	{"pull_request_review/submitted.captured-empty-body.json", capturedAgent, "", "skip", "review body is empty", ""},
	{"workflow_run/completed.captured-failure.json", capturedAgent, "", "relay", "gh-relay-delivery-1", workflows.KindCIFailure},
	{"workflow_run/completed.captured-success.json", capturedAgent, "", "skip", `workflow run conclusion is "success", not "failure"`, ""},

	// octokit examples: both branches where the agent login decides.
	{"installation/created.json", octo, "", "skip", "installation event created", ""},
	{"installation/created.with-requester.json", octo, "", "skip", "installation event created", ""},
	{"installation/deleted.json", octo, "", "sweep", "gh-sweep-delivery-1", ""},
	{"installation_repositories/added.json", octo, "", "skip", "installation_repositories event added", ""},
	{"installation_repositories/removed.json", octo, "", "sweep", "gh-sweep-delivery-1", ""},
	{"issue_comment/created.1.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"issue_comment/created.1.json", other, "", "skip", "no installation in payload", ""},
	{"issue_comment/created.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"issue_comment/created.json", other, "", "skip", "no installation in payload", ""},
	{"issue_comment/created.with-installation.json", other, "", "signal-issue", "gh-Codertocat/Hello-World-1", workflows.KindIssueComment},
	{"issue_comment/created.with-installation.json", other, "codertocat", "skip", "comment by the agent/bot", ""},
	{"issue_comment/created.with-installation.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"issue_comment/deleted.json", octo, "", "skip", "unhandled event issue_comment.deleted", ""},
	{"issue_comment/edited.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"issue_comment/edited.json", other, "", "skip", "no installation in payload", ""},
	{"issues/assigned.json", octo, "", "skip", "no installation in payload", ""},
	{"issues/assigned.json", other, "", "skip", "assignee is not the agent", ""},
	{"issues/assigned.with-installation.json", octo, "", "start-issue", "gh-Codertocat/Hello-World-1", workflows.KindAssigned},
	{"issues/assigned.with-installation.json", "CODERTOCAT", "", "start-issue", "gh-Codertocat/Hello-World-1", workflows.KindAssigned},
	{"issues/assigned.with-installation.json", other, "", "skip", "assignee is not the agent", ""},
	{"issues/edited.json", octo, "", "skip", "unhandled event issues.edited", ""},
	{"issues/opened.json", octo, "", "skip", "new issue mentions no one", ""},
	{"issues/opened.with-empty-body.json", octo, "", "skip", "new issue mentions no one", ""},
	{"issues/reopened.json", octo, "", "start-issue", "gh-Codertocat/Hello-World-1", workflows.KindReopened},
	{"issues/reopened.json", other, "", "skip", "agent is not assigned to the issue", ""},
	{"issues/unassigned.json", octo, "", "skip", "no installation in payload", ""},
	{"issues/unassigned.json", other, "", "skip", "unassigned user is not the agent", ""},
	{"ping/payload.json", octo, "", "skip", "pong", ""},
	{"ping/with-app_id.json", octo, "", "skip", "pong", ""},
	{"pull_request/closed.json", octo, "", "skip", "pull request by the agent (its issue's task serves it)", ""},
	{"pull_request/closed.json", other, "", "signal-issue", "gh-Codertocat/Hello-World-2", workflows.KindClosed},
	{"pull_request/opened.json", octo, "", "skip", "pull request by the agent (its issue's task serves it)", ""},
	{"pull_request/opened.json", other, "", "start-issue", "gh-Codertocat/Hello-World-2", workflows.KindPROpened},
	{"pull_request/opened.with-null-body.json", octo, "", "skip", "pull request by the agent (its issue's task serves it)", ""},
	{"pull_request/opened.with-null-body.json", other, "", "start-issue", "gh-Codertocat/Hello-World-2", workflows.KindPROpened},
	{"pull_request_review/submitted.json", octo, "", "skip", "review by the agent/bot", ""},
	{"pull_request_review/submitted.json", other, "", "skip", "review body is empty", ""},
	{"pull_request_review_comment/created.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"pull_request_review_comment/created.json", other, "", "signal-issue", "gh-Codertocat/Hello-World-2", workflows.KindReviewComment},
	{"pull_request_review_comment/edited.json", octo, "", "skip", "comment by the agent/bot", ""},
	{"pull_request_review_comment/edited.json", other, "", "signal-issue", "gh-Codertocat/Hello-World-2", workflows.KindReviewComment},
	{"push/payload.json", octo, "", "skip", "push is not to a branch", ""},
	{"push/with-installation.json", octo, "", "skip", "push is not to a branch", ""},
	{"push/with-new-branch.json", octo, "", "skip", "push does not touch .code-factory/config.toml", ""},
	{"push/with-no-username-committer.json", octo, "", "skip", "push does not touch .code-factory/config.toml", ""},
	{"workflow_run/completed.json", octo, "", "skip", `workflow run conclusion is "success", not "failure"`, ""},
	{"workflow_run/completed.with-pull-requests.json", octo, "", "skip", `workflow run conclusion is "success", not "failure"`, ""},
	{"workflow_run/requested.json", octo, "", "skip", "unhandled event workflow_run.requested", ""},
	{"workflow_run/requested.with-conclusion.json", octo, "", "skip", "unhandled event workflow_run.requested", ""},
}

// TestClassifyEveryFixture classifies every webhook fixture and fails when
// a fixture file has no expectation in the table.
func TestClassifyEveryFixture(t *testing.T) {
	fixtures.Require(t)
	dir, err := fixtures.Dir()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "webhooks")
	covered := map[string]bool{}
	for _, tc := range fixtureCases {
		covered[tc.file] = true
	}
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no webhook fixtures found")
	}
	for _, f := range files {
		if !covered[f] {
			t.Errorf("fixture webhooks/%s has no expected decision", f)
		}
	}

	for _, tc := range fixtureCases {
		t.Run(tc.file+"/agent="+tc.agent+"/bot="+tc.bot, func(t *testing.T) {
			s := workflows.Settings{TaskNamePrefix: "gh", AgentLogin: tc.agent, BotLogin: tc.bot}
			event := path.Dir(tc.file)
			d := classifyBytes(t, event, fixtures.Read(t, "webhooks/"+tc.file), s)
			checkDecision(t, d, tc)
		})
	}
}

// checkDecision compares d with the table row.
func checkDecision(t *testing.T, d Decision, tc fixtureCase) {
	t.Helper()
	var got, id string
	var kind workflows.EventKind
	var settings workflows.Settings
	switch d := d.(type) {
	case Skip:
		if tc.want != "skip" || d.Reason != tc.reason {
			t.Fatalf("got Skip(%q), want %s %q", d.Reason, tc.want, tc.reason)
		}
		return
	case StartIssue:
		got, id, kind, settings = "start-issue", d.WorkflowID, d.Event.Kind, d.Input.Settings
	case SignalIssue:
		got, id, kind = "signal-issue", d.WorkflowID, d.Event.Kind
	case StartRelay:
		got, id, kind, settings = "relay", d.WorkflowID, d.Input.Event.Kind, d.Input.Settings
		if d.Input.Event.IssueNumber != 0 {
			t.Errorf("relay event IssueNumber = %d, want 0", d.Input.Event.IssueNumber)
		}
	case StartPRRelay:
		got, id, kind, settings = "pr-relay", d.WorkflowID, d.Event.Kind, d.Input.Settings
		if d.Event.IssueNumber != 0 || d.Input.Issue != 0 {
			t.Errorf("pull request relay event IssueNumber = %d, input issue %d; want 0", d.Event.IssueNumber, d.Input.Issue)
		}
	case StartConfig:
		got, id, settings = "config", d.WorkflowID, d.Input.Settings
	case StartSweep:
		got, id, settings = "sweep", d.WorkflowID, d.Input.Settings
		if d.Input.InstallationID == 0 || d.Input.Reason == "" {
			t.Errorf("sweep input = %+v, want the installation and why", d.Input)
		}
	default:
		t.Fatalf("unexpected decision %T", d)
	}
	if got != tc.want || id != tc.reason || kind != tc.kind {
		t.Fatalf("got %s %q kind %q, want %s %q kind %q", got, id, kind, tc.want, tc.reason, tc.kind)
	}
	if got != "signal-issue" && settings.AgentLogin != tc.agent {
		t.Errorf("settings not copied into the input: %+v", settings)
	}
}
