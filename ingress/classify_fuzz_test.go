package ingress

import (
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// FuzzClassify: any bytes under any event name parse or fail cleanly,
// classify without panicking, and a decision for an issue names the
// workflow of the issue it carries.
func FuzzClassify(f *testing.F) {
	is := payloads.Issue{Number: 65, Title: "t", Author: neekolas, Assignees: []payloads.User{ownAgent}}
	f.Add("issues", payloads.Issues("assigned", ownCapRepo, is, neekolas, ownAgent))
	f.Add("issue_comment", payloads.IssueComment("created", ownCapRepo, is, payloads.Comment{ID: 1, Body: "@" + capturedAgent + " stop", Author: neekolas}))
	f.Add("issues", payloads.Labeled("labeled", ownCapRepo, is, "agent", neekolas))
	f.Add("workflow_run", []byte(`{"action":"completed","workflow_run":{"conclusion":"failure","pull_requests":[{"number":1}]},"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}}`))
	f.Add("push", []byte(`{"ref":"refs/heads/main","repository":{"name":"r","owner":{"name":"o"},"default_branch":"main"},"installation":{"id":1}}`))
	f.Add("unknown", []byte(`{}`))
	f.Add("issues", []byte(`null`))
	f.Add("issues", []byte(`{"action":"closed","issue":{"number":1},"repository":{"name":"r","owner":{"login":"a/b"}},"installation":{"id":1}}`))
	f.Add("issues", []byte(`{"action":"reopened","repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}}`))
	f.Add("push", []byte(`{"ref":"refs/heads/main","after":"1","commits":[null],"repository":{"name":"r","owner":{"name":"o"},"default_branch":"main"},"installation":{"id":1}}`))
	f.Add("pull_request_review_comment", []byte(`{"action":"created","pull_request":{"number":2,"user":{"login":"a"}},"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}}`))
	s := testSettings()
	f.Fuzz(func(t *testing.T, event string, body []byte) {
		payload, err := parsePayload(event, body)
		if err != nil {
			return
		}
		var id string
		var ev workflows.IssueEvent
		switch d := Classify(event, "d-1", payload, ClassifyOptions{Settings: s}).(type) {
		case StartIssue:
			id, ev = d.WorkflowID, d.Event
		case SignalIssue:
			id, ev = d.WorkflowID, d.Event
		default:
			return
		}
		owner, repo, n, err := workflows.ParseIssueWorkflowID(s.TaskNamePrefix, id)
		if err != nil || owner != ev.Repo.Owner || repo != ev.Repo.Name || n != ev.IssueNumber {
			t.Fatalf("decision for %s/%s#%d names workflow %q (%v)", ev.Repo.Owner, ev.Repo.Name, ev.IssueNumber, id, err)
		}
	})
}
