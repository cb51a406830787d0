package ingress

import (
	"encoding/json"
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

func TestClassifyAssignedToAgentStartsIssue(t *testing.T) {
	const rel = "webhooks/issues/assigned.captured-to-agent.json"
	var raw struct {
		Issue struct {
			Number  int    `json:"number"`
			HTMLURL string `json:"html_url"`
		} `json:"issue"`
		Sender       workflows.Actor `json:"sender"`
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
	}
	if err := json.Unmarshal(own(t, rel), &raw); err != nil {
		t.Fatal(err)
	}
	s := testSettings()
	s.BotLogin = "code-factory[bot]"
	d, ok := classifyFixture(t, "issues", rel, s).(StartIssue)
	if !ok {
		t.Fatalf("decision %T, want StartIssue", d)
	}
	wantID := workflows.IssueWorkflowID("gh", "xmtplabs", "coder-action", raw.Issue.Number)
	if d.WorkflowID != wantID {
		t.Errorf("WorkflowID = %q, want %q", d.WorkflowID, wantID)
	}
	wantInput := workflows.IssueWorkflowInput{
		Settings:       s,
		Repo:           workflows.Repo{Owner: "xmtplabs", Name: "coder-action", ID: 1184842494, HTMLURL: "https://github.com/xmtplabs/coder-action"},
		IssueNumber:    raw.Issue.Number,
		InstallationID: raw.Installation.ID,
	}
	if d.Input != wantInput {
		t.Errorf("Input = %+v, want %+v", d.Input, wantInput)
	}
	ev := d.Event
	if ev.Kind != workflows.KindAssigned || ev.DeliveryID != "delivery-1" || ev.IssueNumber != raw.Issue.Number ||
		ev.InstallationID != raw.Installation.ID || ev.IssueURL != raw.Issue.HTMLURL || ev.Repo != wantInput.Repo {
		t.Errorf("event = %+v", ev)
	}
	if ev.Sender != raw.Sender || ev.Sender.Login != "neekolas" {
		t.Errorf("Sender = %+v, want the assigner %+v", ev.Sender, raw.Sender)
	}
	if ev.Comment != nil || ev.CIFailure != nil {
		t.Errorf("unexpected payload parts: %+v", ev)
	}
}

func TestClassifyUnassignedAgentSignals(t *testing.T) {
	body := editJSON(t, "webhooks/issues/unassigned.json", func(m map[string]any) {
		m["installation"] = map[string]any{"id": 7}
	})
	s := workflows.Settings{TaskNamePrefix: "gh", AgentLogin: "codertocat"}
	d, ok := classifyBytes(t, "issues", body, s).(SignalIssue)
	if !ok || d.Event.Kind != workflows.KindUnassigned || d.WorkflowID != "gh-Codertocat/Hello-World-1" || d.Event.InstallationID != 7 {
		t.Fatalf("decision = %#v", d)
	}
}

func TestClassifyCommentOnIssue(t *testing.T) {
	d, ok := classifyFixture(t, "issue_comment", "webhooks/issue_comment/created.captured-on-issue.json", testSettings()).(SignalIssue)
	if !ok {
		t.Fatalf("decision %T, want SignalIssue", d)
	}
	c := d.Event.Comment
	if c == nil {
		t.Fatal("no comment")
	}
	want := workflows.Comment{
		ID:        4123912472,
		Body:      "Can you also handle the edge case for empty inputs?",
		URL:       "https://github.com/xmtplabs/coder-action/issues/65#issuecomment-4123912472",
		CreatedAt: "2026-03-25T05:40:58Z",
		Author:    workflows.Actor{Login: "neekolas", ID: c.Author.ID},
	}
	if *c != want || c.Author.ID == 0 {
		t.Errorf("comment = %+v, want %+v", *c, want)
	}
	if d.Event.IssueNumber != 65 || d.Event.Kind != workflows.KindIssueComment {
		t.Errorf("event = %+v", d.Event)
	}
}

func TestClassifyCommentByAgentOrBotSkipped(t *testing.T) {
	for _, login := range []string{capturedAgent, "XMTP-Coder-Agent", "code-factory[bot]"} {
		body := editJSON(t, "webhooks/issue_comment/created.captured-on-issue.json", func(m map[string]any) {
			obj(t, obj(t, m, "comment"), "user")["login"] = login
		})
		s := testSettings()
		s.BotLogin = "code-factory[bot]"
		d := classifyBytes(t, "issue_comment", body, s)
		if sk, ok := d.(Skip); !ok || sk.Reason != "comment by the agent/bot" {
			t.Errorf("author %s: decision %#v, want skip", login, d)
		}
	}
	// With the bot login not known yet, the bot's comment is forwarded
	// (the workflow re-checks authors).
	body := editJSON(t, "webhooks/issue_comment/created.captured-on-issue.json", func(m map[string]any) {
		obj(t, obj(t, m, "comment"), "user")["login"] = "code-factory[bot]"
	})
	if _, ok := classifyBytes(t, "issue_comment", body, testSettings()).(SignalIssue); !ok {
		t.Error("bot comment with unknown bot login was not forwarded")
	}
}

func TestClassifyEditedCommentUsesUpdatedAt(t *testing.T) {
	body := editJSON(t, "webhooks/issue_comment/edited.json", func(m map[string]any) {
		m["installation"] = map[string]any{"id": 3}
	})
	var raw struct {
		Comment struct {
			CreatedAt string `json:"created_at"`
			UpdatedAt string `json:"updated_at"`
		} `json:"comment"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Comment.CreatedAt == raw.Comment.UpdatedAt {
		t.Fatal("fixture cannot tell created_at from updated_at")
	}
	d, ok := classifyBytes(t, "issue_comment", body, workflows.Settings{TaskNamePrefix: "gh", AgentLogin: other}).(SignalIssue)
	if !ok {
		t.Fatalf("decision %T", d)
	}
	if d.Event.Comment.CreatedAt != raw.Comment.UpdatedAt {
		t.Errorf("CreatedAt = %q, want updated_at %q", d.Event.Comment.CreatedAt, raw.Comment.UpdatedAt)
	}
}

func TestClassifyPRCommentRelaysWithoutIssueNumber(t *testing.T) {
	d, ok := classifyFixture(t, "issue_comment", "webhooks/issue_comment/created.captured-on-agent-pr.json", testSettings()).(StartPRRelay)
	if !ok {
		t.Fatalf("decision %T, want StartPRRelay", d)
	}
	if d.WorkflowID != "gh-xmtplabs/coder-action/pull/64" {
		t.Errorf("WorkflowID = %q, want the pull request's relay", d.WorkflowID)
	}
	if d.WorkflowID == workflows.IssueWorkflowID("gh", "xmtplabs", "coder-action", 64) {
		t.Errorf("relay keyed as the issue workflow of the PR number: %q", d.WorkflowID)
	}
	if d.Input.PRNumber != 64 || d.Input.Repo.FullName() != "xmtplabs/coder-action" || d.Input.InstallationID == 0 || d.Input.Issue != 0 {
		t.Errorf("input = %+v", d.Input)
	}
	ev := d.Event
	if ev.IssueNumber != 0 || ev.Comment == nil || ev.Comment.PRNumber != 64 || ev.Kind != workflows.KindPRComment {
		t.Errorf("event = %+v comment = %+v", ev, ev.Comment)
	}
	if ev.Comment.URL != "https://github.com/xmtplabs/coder-action/pull/64#issuecomment-4123912472" || ev.DeliveryID != "delivery-1" {
		t.Errorf("comment = %+v", ev.Comment)
	}
	if d.Input.Settings != testSettings() {
		t.Errorf("settings = %+v", d.Input.Settings)
	}
}

func TestClassifyReviewCommentLine(t *testing.T) {
	const rel = "webhooks/pull_request_review_comment/created.captured-on-agent-pr.json"
	d, ok := classifyFixture(t, "pull_request_review_comment", rel, testSettings()).(StartPRRelay)
	if !ok {
		t.Fatalf("decision %T", d)
	}
	c := d.Event.Comment
	if c.Path != "dist/server.js" || c.Line != 1 || c.PRNumber != 64 || c.ID != 2985905499 || d.Event.Kind != workflows.KindReviewComment || d.Input.PRNumber != 64 {
		t.Errorf("comment = %+v", c)
	}
	cases := []struct {
		name string
		edit func(c map[string]any)
		want int
	}{
		{"line", func(c map[string]any) { c["line"], c["position"], c["original_line"] = 10, 20, 30 }, 10},
		{"position", func(c map[string]any) { c["line"], c["position"], c["original_line"] = nil, 20, 30 }, 20},
		{"original_line", func(c map[string]any) { c["line"], c["position"], c["original_line"] = nil, nil, 30 }, 30},
	}
	for _, tc := range cases {
		body := editJSON(t, rel, func(m map[string]any) { tc.edit(obj(t, m, "comment")) })
		d, ok := classifyBytes(t, "pull_request_review_comment", body, testSettings()).(StartPRRelay)
		if !ok || d.Event.Comment.Line != tc.want {
			t.Errorf("%s: decision %#v, want line %d", tc.name, d, tc.want)
		}
	}
}

func TestClassifyReview(t *testing.T) {
	const rel = "webhooks/pull_request_review/submitted.captured-with-body.json"
	d, ok := classifyFixture(t, "pull_request_review", rel, testSettings()).(StartPRRelay)
	if !ok {
		t.Fatalf("decision %T", d)
	}
	c := d.Event.Comment
	if c.ID != 4004106088 || c.Body != "Please fix the naming" || c.CreatedAt != "2026-03-25T05:39:08Z" ||
		c.URL != "https://github.com/xmtplabs/coder-action/pull/64#pullrequestreview-4004106088" || c.PRNumber != 64 || c.Author.Login != "neekolas" {
		t.Errorf("comment = %+v", c)
	}
	body := editJSON(t, rel, func(m map[string]any) { obj(t, m, "review")["body"] = " \n\t " })
	if sk, ok := classifyBytes(t, "pull_request_review", body, testSettings()).(Skip); !ok || sk.Reason != "review body is empty" {
		t.Errorf("whitespace review: %#v", sk)
	}
}

func TestClassifyWorkflowRunFailure(t *testing.T) {
	const rel = "webhooks/workflow_run/completed.captured-failure.json"
	d, ok := classifyFixture(t, "workflow_run", rel, testSettings()).(StartRelay)
	if !ok {
		t.Fatalf("decision %T", d)
	}
	want := workflows.CIFailure{
		RunID:        23526809052,
		WorkflowName: "CI",
		WorkflowPath: ".github/workflows/ci.yml",
		RunURL:       "https://github.com/xmtplabs/coder-action/actions/runs/23526809052",
		HeadSHA:      "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016",
		HeadBranch:   "main",
		PRNumber:     64,
		Actor:        workflows.Actor{Login: "neekolas", ID: 65710},
	}
	if got := d.Input.Event.CIFailure; got == nil || *got != want {
		t.Errorf("CIFailure = %+v, want %+v", got, want)
	}
	if d.Input.Event.IssueNumber != 0 || d.Input.Event.Kind != workflows.KindCIFailure {
		t.Errorf("event = %+v", d.Input.Event)
	}
	body := editJSON(t, rel, func(m map[string]any) { obj(t, m, "workflow_run")["pull_requests"] = []any{} })
	d, ok = classifyBytes(t, "workflow_run", body, testSettings()).(StartRelay)
	if !ok || d.Input.Event.CIFailure.PRNumber != 0 {
		t.Errorf("run without PRs: %#v", d)
	}
}

// A fork's pull request can come from a branch named main; the head
// repository, not the branch, says whose code ran.
func TestClassifyWorkflowRunFromFork(t *testing.T) {
	run := payloads.Run{ID: 9, Name: "CI", Path: ".github/workflows/ci.yml", HeadSHA: "abc", HeadBranch: "main", Conclusion: "failure", PRs: []int{3}, Actor: neekolas}
	own := classifyBytes(t, "workflow_run", payloads.WorkflowRun(ownCapRepo, run), testSettings()).(StartRelay)
	if own.Input.Event.CIFailure.FromFork {
		t.Error("the repository's own run is marked as a fork's")
	}
	run.HeadRepo = payloads.Repo{Owner: "mallory", Name: "coder-action", ID: 4242}
	fork := classifyBytes(t, "workflow_run", payloads.WorkflowRun(ownCapRepo, run), testSettings()).(StartRelay)
	if !fork.Input.Event.CIFailure.FromFork {
		t.Error("a fork's run on branch main is not marked as a fork's")
	}
}

func TestClassifyUnknownAndMissingParts(t *testing.T) {
	if sk, ok := Classify("star", "d", nil, ClassifyOptions{Settings: testSettings()}).(Skip); !ok || sk.Reason != "unhandled event star" {
		t.Errorf("nil payload: %#v", sk)
	}
	body := editJSON(t, "webhooks/issues/assigned.captured-to-agent.json", func(m map[string]any) { delete(m, "repository") })
	if sk, ok := classifyBytes(t, "issues", body, testSettings()).(Skip); !ok || sk.Reason != "no repository in payload" {
		t.Errorf("no repository: %#v", sk)
	}
	body = editJSON(t, "webhooks/issues/assigned.captured-to-agent.json", func(m map[string]any) { delete(m, "installation") })
	if sk, ok := classifyBytes(t, "issues", body, testSettings()).(Skip); !ok || sk.Reason != "no installation in payload" {
		t.Errorf("no installation: %#v", sk)
	}
	// An empty agent login never matches an empty assignee.
	body = editJSON(t, "webhooks/issues/assigned.captured-to-agent.json", func(m map[string]any) { delete(m, "assignee") })
	if _, ok := classifyBytes(t, "issues", body, workflows.Settings{TaskNamePrefix: "gh"}).(Skip); !ok {
		t.Error("empty agent login matched")
	}
}
